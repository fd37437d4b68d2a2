using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent;

/// <summary>Delivers every sample to several sinks (exporter, terminal store, rules).</summary>
public sealed class SampleFanout(IReadOnlyList<ISampleSink> sinks) : ISampleSink
{
    public void OnSample(TargetProcess target, MetricSample sample)
    {
        foreach (var sink in sinks)
        {
            sink.OnSample(target, sample);
        }
    }

    public void OnSeriesEnded(TargetProcess target, string name, LabelSet labels)
    {
        foreach (var sink in sinks)
        {
            sink.OnSeriesEnded(target, name, labels);
        }
    }

    public void OnHistogram(TargetProcess target, HistogramSample sample)
    {
        foreach (var sink in sinks)
        {
            sink.OnHistogram(target, sample);
        }
    }
}
