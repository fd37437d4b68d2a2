using System.Text;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Export;

/// <summary>
/// Histogram instruments exported as Prometheus summaries, written after prometheus-net's families on /metrics:
/// prometheus-net's own Summary computes quantiles from observations, and out of process there are only the
/// target's quantiles, count and sum. Labels are every target series' (<see cref="TargetLabels"/>) and the
/// instrument's tags, which win over a user label of the same name as they do for gauges and counters.
/// </summary>
internal sealed class SummaryExporter(TargetLabels targetLabels)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly object _gate = new();
    private readonly SummaryStore _store = new();

    public void Observe(TargetProcess target, HistogramSample sample)
    {
        var labels = sample.Labels
            .With("pid", TargetLabels.PidText(target.Pid))
            .With("process_name", target.Name);
        if (targetLabels.HasRuntimeInstance)
        {
            labels = labels.With(TargetLabels.RuntimeInstanceName, target.RuntimeInstance);
        }

        foreach (var (name, value) in targetLabels.Static.Where(l => labels[l.Key] is null))
        {
            labels = labels.With(name, value);
        }

        labels = LabelSet.From(labels.Select(l => KeyValuePair.Create(l.Key, TargetLabels.Limit(l.Value))));

        lock (_gate)
        {
            _store.Observe(sample, labels);
        }
    }

    public void RemoveTarget(TargetProcess target)
    {
        lock (_gate)
        {
            // A runtime instance names one target; a pid does only where there are no instances (no listen mode).
            if (targetLabels.HasRuntimeInstance)
            {
                _store.RemoveWhere(TargetLabels.RuntimeInstanceName, target.RuntimeInstance);
            }
            else
            {
                _store.RemoveWhere("pid", TargetLabels.PidText(target.Pid));
            }
        }
    }

    /// <summary>Appends the summaries to <paramref name="destination"/>, an in-memory buffer (it is written under the lock).</summary>
    public void Write(Stream destination)
    {
        using var text = new StreamWriter(destination, Utf8, bufferSize: 4096, leaveOpen: true);
        lock (_gate)
        {
            _store.Write(text);
        }
    }
}
