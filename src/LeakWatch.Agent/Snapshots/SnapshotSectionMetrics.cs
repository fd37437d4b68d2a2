using LeakWatch.Core.Stacks;
using Prometheus;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// The snapshot's heap, timer and descriptor series: for each target, the top N rows of the latest snapshot
/// (labels cut to a bounded length), replaced at every snapshot. Callers hold <see cref="SnapshotMetrics"/>' lock.
/// </summary>
internal sealed class SnapshotSectionMetrics
{
    private readonly Gauge _heapBytes;
    private readonly Gauge _heapObjects;
    private readonly Gauge _timers;
    private readonly Gauge _descriptors;
    private readonly Dictionary<int, List<(Gauge Gauge, string[] Labels)>> _published = [];

    public SnapshotSectionMetrics(MetricFactory factory, Func<string[], string[]> names)
    {
        _heapBytes = factory.CreateGauge("leakwatch_heap_type_bytes", "Shallow bytes of the largest types on the heap at the latest snapshot.", names(["type"]));
        _heapObjects = factory.CreateGauge("leakwatch_heap_type_objects", "Objects of the largest types (by bytes) on the heap at the latest snapshot.", names(["type"]));
        _timers = factory.CreateGauge("leakwatch_timers_by_callback", "Live timers in each of the largest callback groups of the latest snapshot (callback: method and period).", names(["callback"]));
        _descriptors = factory.CreateGauge("leakwatch_fds_by_target", "Open file descriptors in each of the largest groups of the latest snapshot (kind, normalised target).", names(["kind", "target"]));
    }

    /// <param name="id">The target's <see cref="Targets.TargetProcess.Id"/>.</param>
    public void Record(int id, StackSnapshot snapshot, string[] target, int top, int labelLength)
    {
        Remove(id);
        var published = new List<(Gauge, string[])>();
        void Set(Gauge gauge, string[] labels, double value)
        {
            gauge.WithLabels(labels).Set(value);
            published.Add((gauge, labels));
        }

        string Cut(string value) => StackText.Label([value], labelLength);
        foreach (var type in snapshot.Heap?.Types.Take(top) ?? [])
        {
            Set(_heapBytes, [.. target, Cut(type.Type)], type.Bytes);
            Set(_heapObjects, [.. target, Cut(type.Type)], type.Count);
        }

        // Two groups can share a label once cut: their counts add up.
        foreach (var group in (snapshot.Timers?.Groups.Take(top) ?? []).GroupBy(g => Cut(g.Name), StringComparer.Ordinal))
        {
            Set(_timers, [.. target, group.Key], group.Sum(g => g.Count));
        }

        foreach (var group in (snapshot.Descriptors?.Groups.Take(top) ?? []).GroupBy(g => (g.Kind, Target: Cut(g.Target))))
        {
            Set(_descriptors, [.. target, group.Key.Kind, group.Key.Target], group.Sum(g => g.Count));
        }

        _published[id] = published;
    }

    public void Remove(int id)
    {
        if (_published.Remove(id, out var previous))
        {
            foreach (var (gauge, labels) in previous)
            {
                gauge.RemoveLabelled(labels);
            }
        }
    }
}
