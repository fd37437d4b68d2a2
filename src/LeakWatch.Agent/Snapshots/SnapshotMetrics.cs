using LeakWatch.Agent.Export;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Stacks;
using Prometheus;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// The snapshot series on /metrics. Cardinality is bounded: per target, the top N groups of each kind
/// (<see cref="SnapshotRecorderOptions.MetricsTopGroups"/>) with label values cut to a bounded length, replaced at
/// every snapshot; the reason label takes the names of rules plus "baseline" and "manual".
/// </summary>
internal sealed class SnapshotMetrics
{
    private readonly Counter _snapshots;
    private readonly Counter _writeFailures;
    private readonly Gauge _duration;
    private readonly Gauge _pause;
    private readonly Gauge _threadsByStack;
    private readonly Gauge _tasksByChain;
    private readonly SnapshotSectionMetrics _sections;
    private readonly TargetLabels _labels;
    private readonly Dictionary<int, List<string[]>> _publishedGroups = [];
    private readonly object _gate = new();

    public SnapshotMetrics(CollectorRegistry registry, TargetLabels targetLabels)
    {
        _labels = targetLabels;
        var factory = Metrics.WithCustomRegistry(registry);
        string[] Names(params string[] extra) => _labels.Names(extra);
        _snapshots = factory.CreateCounter("leakwatch_snapshots_total", "Stack snapshots taken, by reason (the rule that fired, baseline).", Names("reason"));
        _writeFailures = factory.CreateCounter("leakwatch_snapshot_write_failures_total", "Snapshots whose files could not be written to --snapshot-dir (disk full, permissions); the next trigger takes them again.", Names("reason"));
        _duration = factory.CreateGauge("leakwatch_snapshot_duration_seconds", "Wall time of the latest stack snapshot.", Names());
        _pause = factory.CreateGauge("leakwatch_snapshot_pause_seconds", "How long the latest stack snapshot kept the target suspended.", Names());
        _threadsByStack = factory.CreateGauge("leakwatch_threads_by_stack", "Threads in each of the largest stack groups of the latest snapshot (stack: frames innermost first, ';'-separated).", Names("stack"));
        _tasksByChain = factory.CreateGauge("leakwatch_tasks_by_chain", "Async chains in each of the largest groups of the latest snapshot (chain: awaited thing, then methods innermost first).", Names("chain"));
        _sections = new SnapshotSectionMetrics(factory, extra => Names(extra));
    }

    public void Record(TargetProcess process, StackSnapshot snapshot, string reason, int topGroups, int labelLength)
    {
        var target = _labels.Values(process);
        lock (_gate)
        {
            _snapshots.WithLabels([.. target, reason]).Inc();
            _duration.WithLabels(target).Set(snapshot.DurationMs / 1000);
            _pause.WithLabels(target).Set(snapshot.PausedMs / 1000);

            if (_publishedGroups.Remove(process.Id, out var previous))
            {
                foreach (var labels in previous)
                {
                    (labels[^1] == "threads" ? _threadsByStack : _tasksByChain).RemoveLabelled(labels[..^1]);
                }
            }

            var published = new List<string[]>();
            Publish(_threadsByStack, "threads", target, snapshot.Threads.Groups.Take(topGroups).Select(g => (g.Frames, g.Count)), labelLength, published);
            Publish(_tasksByChain, "tasks", target, snapshot.Tasks.Groups.Take(topGroups).Select(g => (g.Chain, g.Count)), labelLength, published);
            _publishedGroups[process.Id] = published;
            _sections.Record(process.Id, snapshot, target, topGroups, labelLength);
        }
    }

    public void RecordWriteFailure(TargetProcess process, string reason)
    {
        lock (_gate)
        {
            _writeFailures.WithLabels([.. _labels.Values(process), reason]).Inc();
        }
    }

    /// <summary>Removes every snapshot series of a process that is gone.</summary>
    public void RemoveTarget(TargetProcess target)
    {
        lock (_gate)
        {
            _publishedGroups.Remove(target.Id);
            _sections.Remove(target.Id);
            foreach (var gauge in new[] { _duration, _pause, _threadsByStack, _tasksByChain })
            {
                foreach (var labels in gauge.GetAllLabelValues().Where(v => _labels.BelongsTo(v, target)).ToList())
                {
                    gauge.RemoveLabelled(labels);
                }
            }

            foreach (var counter in new[] { _snapshots, _writeFailures })
            {
                foreach (var labels in counter.GetAllLabelValues().Where(v => _labels.BelongsTo(v, target)).ToList())
                {
                    counter.RemoveLabelled(labels);
                }
            }
        }
    }

    private static void Publish(Gauge gauge, string kind, string[] target, IEnumerable<(IReadOnlyList<string> Frames, int Count)> groups, int labelLength, List<string[]> published)
    {
        // Two groups can share a label once cut: their counts add up.
        foreach (var byLabel in groups.GroupBy(g => StackText.Label(g.Frames, labelLength), StringComparer.Ordinal))
        {
            string[] labels = [.. target, byLabel.Key];
            gauge.WithLabels(labels).Set(byLabel.Sum(g => g.Count));
            published.Add([.. labels, kind]);
        }
    }


}
