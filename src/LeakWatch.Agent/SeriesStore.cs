using System.Collections.Concurrent;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent;

/// <summary>The latest sample of every series, per target: what the terminal view and JSON lines show.</summary>
public sealed class SeriesStore : ISampleSink
{
    private readonly ConcurrentDictionary<int, TargetSeries> _targets = new();

    public void OnSample(TargetProcess target, MetricSample sample)
    {
        var series = _targets.GetOrAdd(target.Id, _ => new TargetSeries(target));
        series.Latest[(sample.Name, sample.Labels)] = sample;
    }

    public void OnSeriesEnded(TargetProcess target, string name, LabelSet labels)
    {
        if (_targets.TryGetValue(target.Id, out var series))
        {
            series.Latest.TryRemove((name, labels), out _);
        }
    }

    /// <summary>Forgets a target by its <see cref="TargetProcess.Id"/> (several sidecar apps are pid 1).</summary>
    public void RemoveTarget(int id) => _targets.TryRemove(id, out _);

    /// <summary>A consistent copy to render, targets by pid, series by name then labels.</summary>
    public IReadOnlyList<TargetView> Snapshot() =>
        _targets.Values
            .OrderBy(t => t.Target.Pid)
            .Select(t => new TargetView(
                t.Target,
                t.Latest.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Labels.ToString(), StringComparer.Ordinal).ToList()))
            .ToList();

    private sealed class TargetSeries(TargetProcess target)
    {
        public TargetProcess Target { get; } = target;

        public ConcurrentDictionary<(string Name, LabelSet Labels), MetricSample> Latest { get; } = new();
    }
}

/// <summary>One target and the latest value of each of its series.</summary>
public sealed record TargetView(TargetProcess Target, IReadOnlyList<MetricSample> Samples)
{
    /// <summary>How long the target has sent nothing, when that is a few intervals: its values are old, not current.</summary>
    public TimeSpan? SilentFor { get; init; }
}
