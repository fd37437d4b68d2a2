using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent;

/// <summary>Where sources deliver values. Implementations must be thread-safe: sources call from their own threads.</summary>
public interface ISampleSink
{
    void OnSample(TargetProcess target, MetricSample sample);

    /// <summary>
    /// A series stopped existing (a method left the top N of the async signal, or its counts were reset): forget its
    /// last value instead of showing it frozen. Sinks that keep no values can ignore it.
    /// </summary>
    void OnSeriesEnded(TargetProcess target, string name, LabelSet labels)
    {
    }

    /// <summary>One interval of a histogram instrument (quantiles, count, sum). Only the exporter keeps them.</summary>
    void OnHistogram(TargetProcess target, HistogramSample sample)
    {
    }
}
