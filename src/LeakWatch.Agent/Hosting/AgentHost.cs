using LeakWatch.Agent.Configuration;
using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// The agent, built whole from one <see cref="LeakWatchOptions"/>: per-target sources (counters, async operations,
/// baseline snapshot) feeding the shared sinks (Prometheus exporter, terminal store, rules), the snapshot recorder,
/// the rule pipeline and the HTTP routes. Targets come from <see cref="TargetsOptions"/>: one process (the run ends
/// when it exits), every process the agent can see, or every runtime connecting to a diagnostic port; a process
/// that is gone raises <see cref="TargetLifetime.Stopped"/> and everything holding its state lets go.
/// The CLI declares flags, binds the options, starts this and renders <see cref="Store"/> and <see cref="Message"/>.
/// </summary>
public sealed class AgentHost : IAsyncDisposable
{
    private readonly LeakWatchOptions _options;
    private readonly TimeProvider _time;
    private readonly RulePipeline _rules;
    private readonly TargetSupervisor _supervisor;
    private volatile bool _ready;
    private volatile string? _unhealthyBecause;

    public AgentHost(LeakWatchOptions options, TimeProvider time)
    {
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _options = options;
        _time = time;
        Clock = new IntervalClock(options.Counters.Interval, time);
        // Decided once for every series, rule and snapshot ones included: runtime_instance exists only in listen mode.
        var labels = TargetLabels = new TargetLabels(options.Labels, options.Targets.LabelsRuntimeInstance);
        Exporter = new PrometheusExporter(labels, Health);
        Freshness = new TargetFreshness(TargetFreshness.StaleAfterFor(options.Counters.Interval), Exporter);
        Snapshots = new SnapshotRecorder(new SnapshotService(time), options.Snapshots, Exporter.Registry, labels, time);
        Lifetime.Stopped += target =>
        {
            Exporter.RemoveTarget(target);
            Store.RemoveTarget(target.Id);
            Snapshots.ForgetTarget(target);
            Freshness.Forget(target.Id);
        };
        _rules = new RulePipeline(options, Exporter.Registry, labels, Health, Snapshots, Lifetime, Say);

        List<ISampleSink> sinks = [Exporter, Store, _rules.Sink];
        if (options.Targets.Target is not null)
        {
            sinks.Add(new FirstSampleSink(() => _ready = true));
        }

        List<ITargetSource> sources = [new TargetWatcher(options.Counters, Health, time, Clock, Freshness), new ProcAbsence(Clock, Health, time), new ContainerInfoSource(time)];
        if (options.AsyncOperations.Enabled)
        {
            sources.Add(new AsyncOperationsTargetSource(options.AsyncOperations, Clock, Health, time, Snapshots, Lifetime));
        }

        if (options.Snapshots.Baseline)
        {
            sources.Add(new BaselineSnapshotSource(Snapshots));
        }

        _supervisor = new TargetSupervisor(sources, new RetainedHeapSink(new SampleFanout(sinks)), Lifetime, Health, time, options.Targets.Target is null, Say);
        if (options.Http.Url is { } url)
        {
            Server = AgentEndpoints.Create(url, Exporter, Snapshots, labels, options.Http.ApiKey, () => Targets, () => _unhealthyBecause, NotReadyBecause, Say);
        }
    }

    public LeakWatchOptions Options => _options;

    public AgentHealth Health { get; } = new();

    /// <summary>The one clock of everything done each interval; the terminal's refresh follows it too.</summary>
    public IntervalClock Clock { get; }

    /// <summary>Latest values for the terminal.</summary>
    public SeriesStore Store { get; } = new();

    /// <summary>When each target last sent counters; a silent one is stale (/readyz, the live view).</summary>
    public TargetFreshness Freshness { get; }

    /// <summary>What the terminal shows: the latest values, each target marked when it has gone silent.</summary>
    public IReadOnlyList<TargetView> View(DateTimeOffset now) =>
        Store.Snapshot().Select(v => v with { SilentFor = Freshness.SilentFor(v.Target.Id, now) }).ToList();

    /// <summary>The labels of every per-target series: the user's, and <c>runtime_instance</c> in listen mode only.</summary>
    public TargetLabels TargetLabels { get; }

    public PrometheusExporter Exporter { get; }

    public MetricsServer? Server { get; }

    /// <summary>Stack snapshots of the targets: on trigger, at attach (baseline) and on demand (POST /snapshots).</summary>
    public SnapshotRecorder Snapshots { get; }

    /// <summary>Targets starting and stopping; subscribe before <see cref="RunAsync"/>.</summary>
    public TargetLifetime Lifetime { get; } = new();

    /// <summary>The targets watched right now, by pid.</summary>
    public IReadOnlyList<TargetProcess> Targets => _options.Targets.Target is { } single ? [single] : _supervisor.Targets;

    /// <summary>/readyz: the single target's first sample arrived, or the discovery / accept loop runs.</summary>
    public bool IsReady => _ready;

    /// <summary>Lines for the person watching: targets found and gone, rule verdicts, snapshot summaries, warnings.</summary>
    public event Action<string>? Message;

    /// <summary>Starts serving HTTP; throws a user-facing error when the address is taken.</summary>
    public void StartServer() => Server?.Start();

    public async Task<AttachOutcome> RunAsync(CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (_options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var targets = _options.Targets;
        using var stopHousekeeping = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var housekeeping = KeepHouseAsync(stopHousekeeping.Token);
        try
        {
            if (targets.Target is { } target)
            {
                await _supervisor.WatchAsync(TargetConnection.ByPid(target), stop.Token).ConfigureAwait(false);
                Lifetime.RaiseStopped(target);
                return AttachOutcome.TargetExited;
            }

            await (targets.AllProcesses
                ? ProcessDiscovery.RunAsync(targets, _supervisor, _time, () => _ready = true, stop.Token)
                : DiagnosticPortDiscovery.RunAsync(targets.DiagnosticPort!, _supervisor, Health, () => _ready = true, Say, stop.Token)).ConfigureAwait(false);
            return AttachOutcome.Stopped;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return cancellation.IsCancellationRequested ? AttachOutcome.Stopped : AttachOutcome.DurationElapsed;
        }
        catch (Exception e) when (targets.Target is null)
        {
            _unhealthyBecause = UserMessages.Describe(e);
            throw;
        }
        finally
        {
            await _supervisor.StopAllAsync().ConfigureAwait(false);
            await stopHousekeeping.CancelAsync().ConfigureAwait(false);
            await housekeeping.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Process-wide, for as long as the agent streams: see <see cref="Gen0Cap"/> for why the runtime's own gen0 budget
    /// is too large, <see cref="NativeHeapTrim"/> for the native heap glibc keeps. During
    /// <see cref="NativeHeapTrim.StartUpSettling"/> both run every tick: the start-up's JIT working memory goes back to
    /// the C heap only when the runtime's finalizer thread wakes (after a collection), and back to the OS with a trim.
    /// </summary>
    private async Task KeepHouseAsync(CancellationToken cancellation)
    {
        var gen0Cap = new Gen0Cap(Gen0Cap.DefaultBytes);
        var nativeHeapTrim = new NativeHeapTrim();
        var startedAt = _time.GetTimestamp();
        var lastTrim = startedAt;
        try
        {
            while (await Clock.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
            {
                var settling = _time.GetElapsedTime(startedAt) < NativeHeapTrim.StartUpSettling;
                if (settling)
                {
                    gen0Cap.Collect();
                }
                else
                {
                    gen0Cap.Check();
                }

                if (settling || _time.GetElapsedTime(lastTrim) >= NativeHeapTrim.DefaultPeriod)
                {
                    nativeHeapTrim.Trim();
                    lastTrim = _time.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The server first: requests in flight (a POST /snapshots) are answered before the recorder goes away.
        if (Server is not null)
        {
            await Server.DisposeAsync().ConfigureAwait(false);
        }

        await _rules.DisposeAsync().ConfigureAwait(false);
        Snapshots.Dispose();
        Clock.Dispose();
    }

    /// <summary>/readyz: null when ready; "starting", or which targets have sent nothing for a few intervals.</summary>
    private string? NotReadyBecause()
    {
        if (!_ready)
        {
            return "starting";
        }

        var stale = Freshness.Stale(_time.GetUtcNow());
        return stale.Count == 0
            ? null
            : "stale: " + string.Join("; ", stale.Select(s => $"pid {s.Target.Pid} ({s.Target.Name}) has sent nothing for {Math.Floor(s.SilentFor.TotalSeconds):0}s"));
    }

    private void Say(string line) => Message?.Invoke(line);
}
