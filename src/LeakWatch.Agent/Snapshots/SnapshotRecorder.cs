using System.Globalization;
using System.Text;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Stacks;
using Prometheus;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// The on-trigger path of <c>attach</c>: when a leak rule fires, call <see cref="OnTriggerAsync"/>. It takes a
/// snapshot, compares it with the previous one of the same process (or the baseline), writes json, txt and folded
/// files into <see cref="SnapshotRecorderOptions.Directory"/> with retention, updates the snapshot series on /metrics,
/// and returns a summary whose lines lead with what grew ("+312 threads in Orders.AckWaiter.WaitForAck").
/// One snapshot at a time; triggers closer than <see cref="SnapshotRecorderOptions.MinInterval"/> to the previous triggered
/// one of the same target are skipped. State is kept by <see cref="TargetProcess.Id"/> (several sidecar apps are pid 1).
/// </summary>
public sealed class SnapshotRecorder : IDisposable
{
    public const string BaselineReason = "baseline";
    public const string ManualReason = "manual";

    private static readonly ReportFormat[] FileFormats = [ReportFormat.Json, ReportFormat.Text, ReportFormat.Folded];

    private readonly ISnapshotTaker _service;
    private readonly SnapshotRecorderOptions _options;
    private readonly SnapshotMetrics? _metrics;
    private readonly TimeProvider _time;

    /// <summary>Listen mode: two apps of a pod may both be pid 1, so file names carry the runtime instance too.</summary>
    private readonly bool _namesInstance;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Dictionary<int, StackSnapshot> _previous = [];
    // Per target: one app's leak must not cost another app's leak its report (several apps on one socket or node).
    private readonly Dictionary<int, DateTimeOffset> _lastTaken = [];

    /// <param name="registry">The registry /metrics serves (PrometheusExporter.Registry); null publishes nothing.</param>
    /// <param name="targetLabels">The target labels of every snapshot series, as of every target series.</param>
    public SnapshotRecorder(ISnapshotTaker service, SnapshotRecorderOptions options, CollectorRegistry? registry, TargetLabels targetLabels, TimeProvider time)
    {
        options.Snapshot.Validate();
        _service = service;
        _options = options;
        _metrics = registry is null ? null : new SnapshotMetrics(registry, targetLabels);
        _namesInstance = targetLabels.HasRuntimeInstance;
        _time = time;
    }

    public SnapshotRecorderOptions Options => _options;

    /// <summary>A snapshot was taken (any reason): the async-operations signal recalibrates from its pending tasks.</summary>
    public event Action<TargetProcess, StackSnapshot>? Taken;

    /// <summary>The snapshot at attach time that the first triggered snapshot is compared with.</summary>
    public Task<SnapshotSummary> TakeBaselineAsync(TargetProcess target, CancellationToken cancellation) =>
        TakeAsync(target, BaselineReason, skipWhenRecent: false, cancellation);

    /// <summary>
    /// Call when a leak rule fires; <paramref name="reason"/> is the rule's name (the <c>reason</c> label on /metrics).
    /// User-facing failures (target exited, ptrace refused) come back as <see cref="LeakWatchException"/>.
    /// </summary>
    public Task<SnapshotSummary> OnTriggerAsync(TargetProcess target, string reason, CancellationToken cancellation) =>
        TakeAsync(target, reason, skipWhenRecent: true, cancellation);

    /// <summary>
    /// A snapshot a person asked for over HTTP (POST /snapshots), or null at once when another snapshot is running:
    /// a second request must not queue up behind a pause of the target.
    /// </summary>
    public async Task<SnapshotSummary?> TryTakeManualAsync(TargetProcess target, CancellationToken cancellation)
    {
        if (!await _oneAtATime.WaitAsync(0, cancellation).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            return await TakeHoldingTurnAsync(target, ManualReason, skipWhenRecent: false, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Drops what is kept about a process that is gone: its comparison snapshot and its series on /metrics.</summary>
    public void ForgetTarget(TargetProcess target)
    {
        lock (_previous)
        {
            _previous.Remove(target.Id);
            _lastTaken.Remove(target.Id);
        }

        _metrics?.RemoveTarget(target);
    }

    /// <summary>The live count of async methods collected unfinished of a target, for the report (set by the host).</summary>
    public Func<TargetProcess, IReadOnlyList<DroppedAsyncMethod>>? DroppedAsyncOf { get; set; }

    /// <summary>
    /// The live pending-operation counts per method of a target (the async-operations signal), put into snapshots
    /// that could not walk async chains (the EventPipe route); null or empty when the signal is off.
    /// </summary>
    public Func<TargetProcess, IReadOnlyList<PendingOperationCount>?>? PendingOperations { get; set; }

    public void Dispose() => _oneAtATime.Dispose();

    private async Task<SnapshotSummary> TakeAsync(TargetProcess target, string reason, bool skipWhenRecent, CancellationToken cancellation)
    {
        await _oneAtATime.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            return await TakeHoldingTurnAsync(target, reason, skipWhenRecent, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<SnapshotSummary> TakeHoldingTurnAsync(TargetProcess target, string reason, bool skipWhenRecent, CancellationToken cancellation)
    {
        var now = _time.GetUtcNow();
        if (skipWhenRecent && LastTaken(target) is { } last && now - last < _options.MinInterval)
        {
            var because = $"the previous snapshot was {(now - last).TotalSeconds:0}s ago (less than {Core.Options.DurationParser.Format(_options.MinInterval)})";
            return new SnapshotSummary { Reason = reason, SkippedBecause = because, Lines = [$"Snapshot for {reason} skipped: {because}."] };
        }

        var snapshot = await _service.TakeAsync(target, _options.Snapshot, cancellation).ConfigureAwait(false);
        var lastBefore = LastTaken(target);
        if (DroppedAsyncOf?.Invoke(target) is { Count: > 0 } dropped)
        {
            snapshot = snapshot with { DroppedAsync = dropped };
        }

        if (snapshot.TaskChainsSkipped is not null && PendingOperations?.Invoke(target) is { Count: > 0 } pending)
        {
            snapshot = snapshot with { PendingOperations = pending };
        }

        if (skipWhenRecent)
        {
            // Only triggered snapshots space each other out: a baseline or a manual snapshot must not
            // cost the first leak its report.
            SetLastTaken(target, _time.GetUtcNow());
        }

        StackSnapshot? previous;
        lock (_previous)
        {
            _previous.TryGetValue(target.Id, out previous);
            if (!snapshot.Partial || previous is null)
            {
                // A partial snapshot undercounts: the next one is compared with the last complete one instead.
                _previous[target.Id] = snapshot;
            }
        }

        Taken?.Invoke(target, snapshot);
        var diff = SnapshotDiff.Compare(previous, snapshot, SnapshotDiff.LeadFor(reason));
        List<string> files;
        try
        {
            files = _options.Directory is null ? [] : WriteFiles(snapshot, _namesInstance ? target.RuntimeInstance : "", reason, previous, diff);
        }
        catch (LeakWatchException)
        {
            // Not written (disk full, permissions): counted, and the next trigger takes it again instead of being
            // skipped as too close to this one.
            SetLastTaken(target, lastBefore);
            _metrics?.RecordWriteFailure(target, reason);
            throw;
        }

        _metrics?.Record(target, snapshot, reason, _options.MetricsTopGroups, _options.MetricsLabelLength);
        return new SnapshotSummary
        {
            Reason = reason,
            Snapshot = snapshot,
            Diff = diff,
            ComparedWith = previous?.TakenAt,
            Files = files,
            Lines = SummaryLines(snapshot, reason, previous, diff, files),
        };
    }

    private List<string> SummaryLines(StackSnapshot snapshot, string reason, StackSnapshot? previous, SnapshotDiff diff, List<string> files)
    {
        var c = CultureInfo.InvariantCulture;
        var where = files.Count > 0 ? $" → {files[0]}" : "";
        var partial = snapshot.Partial ? $" PARTIAL ({snapshot.PartialReason})" : "";
        var lines = new List<string>
        {
            string.Create(c, $"Snapshot ({reason}): {snapshot.Threads.Total} threads, {TasksPart(snapshot)}, target paused {snapshot.PausedMs:0} ms{partial}{where}"),
        };
        if (reason == BaselineReason)
        {
            return lines;
        }

        var since = previous is null ? "since attach (no earlier snapshot)" : string.Create(c, $"since {previous.TakenAt.ToUniversalTime():HH:mm:ss}Z");
        var growths = diff.Headlines(_options.SummaryHeadlines);
        lines.AddRange(growths.Count == 0 ? [$"  nothing grew {since}"] : growths.Select(h => $"  {h} {since}"));
        if (snapshot.DroppedAsync.Count > 0)
        {
            lines.Add("  dropped async methods (collected unfinished): " +
                      string.Join(", ", snapshot.DroppedAsync.Take(_options.SummaryHeadlines).Select(d => string.Create(c, $"{d.Dropped} {d.Method}"))));
        }

        return lines;
    }

    private DateTimeOffset? LastTaken(TargetProcess target)
    {
        lock (_previous)
        {
            return _lastTaken.TryGetValue(target.Id, out var last) ? last : null;
        }
    }

    private void SetLastTaken(TargetProcess target, DateTimeOffset? at)
    {
        lock (_previous)
        {
            if (at is { } value)
            {
                _lastTaken[target.Id] = value;
            }
            else
            {
                _lastTaken.Remove(target.Id);
            }
        }
    }

    private static string TasksPart(StackSnapshot snapshot) => snapshot.TaskChainsSkipped is null
        ? string.Create(CultureInfo.InvariantCulture, $"{snapshot.Tasks.Pending} pending tasks")
        : string.Create(CultureInfo.InvariantCulture, $"{snapshot.PendingOperations.Sum(o => o.Pending)} pending async operations (live count; chains not walked: {snapshot.TaskChainsSkipped})");

    private List<string> WriteFiles(StackSnapshot snapshot, string runtimeInstance, string reason, StackSnapshot? previous, SnapshotDiff diff)
    {
        var directory = _options.Directory!;
        try
        {
            SnapshotFiles.EnsureDirectory(directory);
            SnapshotFiles.RemoveLeftovers(directory);
            var stem = Path.Combine(directory, FileStem(snapshot, runtimeInstance, reason));
            var files = new List<string>();
            foreach (var format in FileFormats)
            {
                var path = $"{stem}.{ReportWriter.Extension(format)}";
                var text = ReportWriter.ToText(snapshot, format);
                if (format == ReportFormat.Text)
                {
                    text = GrowthPreamble(previous, diff) + text;
                }

                SnapshotFiles.WriteWhole(path, text);
                files.Add(path);
            }

            SnapshotRetention.Apply(directory, _options.KeepCount, _options.KeepBytes);
            return files;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"Cannot write snapshots to {directory}: {UserMessages.Describe(e)}.", e);
        }
    }

    private static string GrowthPreamble(StackSnapshot? previous, SnapshotDiff diff)
    {
        var builder = new StringBuilder();
        builder.AppendLine(previous is null
            ? "Grew since attach (no earlier snapshot):"
            : string.Create(CultureInfo.InvariantCulture, $"Grew since the snapshot at {previous.TakenAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}:"));
        var growths = diff.All.Take(10).ToList();
        foreach (var growth in growths)
        {
            builder.AppendLine($"  {growth.Headline}");
        }

        if (growths.Count == 0)
        {
            builder.AppendLine("  nothing");
        }

        builder.AppendLine();
        return builder.ToString();
    }

    /// <summary>
    /// "snapshot-20261124T030000123Z-pid4242-thread-growth", and in listen mode the runtime instance's first 8 hex
    /// digits after the pid ("-pid1-3f2a9c01-"): sorts by time; the reason is kept to safe characters.
    /// </summary>
    internal static string FileStem(StackSnapshot snapshot, string runtimeInstance, string reason)
    {
        var safe = new string(reason.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-').Take(60).ToArray());
        var instance = runtimeInstance.Length == 0 ? "" : "-" + runtimeInstance[..Math.Min(8, runtimeInstance.Length)];
        return string.Create(CultureInfo.InvariantCulture, $"{SnapshotRetention.Prefix}{snapshot.TakenAt.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-pid{snapshot.Pid}{instance}-{safe}");
    }
}
