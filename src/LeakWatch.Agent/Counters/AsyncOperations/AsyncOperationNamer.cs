using System.Collections.Concurrent;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Async;

namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>
/// Names operation keys for people: a state machine's bare type name becomes its declaring method, found in the
/// target's assemblies (the paths it has mapped, from /proc/PID/maps). A name found in several types
/// (<c>&lt;DupAsync&gt;d__1</c> in Billing.Invoices and in Shipping.Labels) reads
/// <c>Billing.Invoices.DupAsync|Shipping.Labels.DupAsync</c>: the runtime's event does not say which. Names not
/// found stay raw. Assemblies loaded later are read when an unknown name shows up, at most every
/// <see cref="RescanInterval"/>, and the first reading waits <see cref="FirstScanDelay"/>.
/// </summary>
public sealed class AsyncOperationNamer
{
    public static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after attach the assemblies are first read. Reading them maps System.Reflection.Metadata for good
    /// (2.2 MiB resident, 2.3 MiB more for its types and code): during the agent's start-up that landed on top of the
    /// JIT's working memory, which the host gives back within its first seconds
    /// (<see cref="Hosting.NativeHeapTrim.StartUpSettling"/>), and set the streaming peak (docs/benchmarks.md,
    /// "Counters"). The async series wait for it (<see cref="HasScanned"/>); a snapshot's calibration reads at once.
    /// </summary>
    public static readonly TimeSpan FirstScanDelay = TimeSpan.FromSeconds(10);

    /// <summary>Candidates named in one label value; <c>&lt;ExecuteAsync&gt;d__3</c> can match dozens of hosted services.</summary>
    public const int MaxCandidatesShown = 3;

    private readonly int _pid;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _firstScanDue;
    private DateTimeOffset? _lastScan;
    private volatile bool _hasScanned;
    private bool _unknownSinceScan = true;

    private readonly Func<CancellationToken, Task<IReadOnlyList<string>>>? _rundownNames;
    private int _rundownRunning;

    /// <param name="rundownNames">For a target whose /proc/PID is not visible (another pid namespace): reads the full
    /// names of its loaded state machines from its runtime instead of its assemblies from /proc/PID/maps.</param>
    public AsyncOperationNamer(int pid, TimeProvider time, Func<CancellationToken, Task<IReadOnlyList<string>>>? rundownNames = null)
    {
        _pid = pid;
        _time = time;
        _rundownNames = rundownNames;
        _firstScanDue = time.GetUtcNow() + FirstScanDelay;
    }

    public StateMachineCatalog Catalog { get; } = new();

    /// <summary>
    /// Whether the target's assemblies (or its rundown, which runs in the background) were read at least once, so names
    /// are what they will stay: the reporter keeps the name it first gets for a key.
    /// </summary>
    public bool HasScanned => _hasScanned;

    /// <summary>
    /// Reads assemblies the target mapped since the last scan, when an unknown name asks for it and the interval allows
    /// (<paramref name="evenDuringStartUp"/>: without waiting for <see cref="FirstScanDelay"/>, for a snapshot's names).
    /// </summary>
    public void RefreshIfNeeded(bool evenDuringStartUp = false)
    {
        var now = _time.GetUtcNow();
        var due = _lastScan + RescanInterval ?? (evenDuringStartUp ? now : _firstScanDue);
        if (!_unknownSinceScan || now < due)
        {
            return;
        }

        _lastScan = now;
        _unknownSinceScan = false;
        if (_rundownNames is not null)
        {
            StartRundownScan(_rundownNames);
            return;
        }

        var assemblies = ProcFs.MappedFiles(_pid)?.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(p)).ToList();
        if (assemblies is not null && Catalog.AddAssemblies(assemblies) > 0)
        {
            _names.Clear();
        }

        _hasScanned = true;
    }

    /// <summary>In the background: a rundown session takes a moment, and names are asked for on the event thread.</summary>
    private void StartRundownScan(Func<CancellationToken, Task<IReadOnlyList<string>>> rundownNames)
    {
        if (Interlocked.Exchange(ref _rundownRunning, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                if (Catalog.AddFullNames(await rundownNames(CancellationToken.None).ConfigureAwait(false), "rundown") > 0)
                {
                    _names.Clear();
                }
            }
            catch (Exception e) when (e is Core.LeakWatchException or IOException or InvalidOperationException or OperationCanceledException)
            {
                _unknownSinceScan = true; // the target left or refused: names stay raw, the next interval tries again
            }
            finally
            {
                _hasScanned = true;
                Volatile.Write(ref _rundownRunning, 0);
            }
        });
    }

    /// <summary>
    /// Whether a bare state machine name belongs to several methods (same name, same ordinal, different types), so
    /// only a stack can tell which one an operation is.
    /// </summary>
    public bool IsAmbiguous(string key) =>
        !key.Contains('+', StringComparison.Ordinal) && Catalog.Find(key).Select(e => e.DisplayName).Distinct(StringComparer.Ordinal).Skip(1).Any();

    /// <summary>The name to show for an operation key.</summary>
    public string DisplayName(string key)
    {
        if (_names.TryGetValue(key, out var known))
        {
            return known;
        }

        var name = Resolve(key);
        if (name is null)
        {
            _unknownSinceScan = true;
            return key; // not cached: a later scan may find it
        }

        _names[key] = name;
        return name;
    }

    private string? Resolve(string key)
    {
        if (key.Contains('+', StringComparison.Ordinal))
        {
            return AsyncMethodNaming.DisplayName(key) ?? key; // a full type name (from IncompleteAsyncMethod)
        }

        if (StateMachineName.TryParse(key) is null)
        {
            return key; // Task.Delay, Task.WhenAll...: already readable
        }

        var candidates = Catalog.Find(key).Select(e => e.DisplayName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return candidates.Count switch
        {
            0 => null,
            <= MaxCandidatesShown => string.Join('|', candidates),
            _ => string.Join('|', candidates.Take(MaxCandidatesShown)) + $"|+{candidates.Count - MaxCandidatesShown} more",
        };
    }
}
