using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent;

/// <summary>Where sources deliver values. Implementations must be thread-safe: sources call from their own threads.</summary>
public interface ISampleSink
{
    void OnSample(TargetProcess target, MetricSample sample);
}
