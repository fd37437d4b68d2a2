using System.Runtime.CompilerServices;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// Passes every sample on and adds <see cref="RetainedHeap.Series"/>, derived from each target's GC series, so that
/// /metrics, the live table and the heap-leak rule all see it. State lives as long as the target's record.
/// </summary>
public sealed class RetainedHeapSink(ISampleSink inner) : ISampleSink
{
    private readonly ConditionalWeakTable<TargetProcess, RetainedHeap> _targets = new();

    public void OnSample(TargetProcess target, MetricSample sample)
    {
        inner.OnSample(target, sample);
        if (!RetainedHeap.Reads(sample.Name))
        {
            return;
        }

        MetricSample? derived;
        var heap = _targets.GetValue(target, _ => new RetainedHeap());
        lock (heap)
        {
            derived = heap.Observe(sample);
        }

        if (derived is not null)
        {
            inner.OnSample(target, derived);
        }
    }

    public void OnSeriesEnded(TargetProcess target, string name, LabelSet labels) => inner.OnSeriesEnded(target, name, labels);

    // A decorator must forward every member: the interface's default OnHistogram would swallow request latency.
    public void OnHistogram(TargetProcess target, HistogramSample sample) => inner.OnHistogram(target, sample);
}
