using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Hosting;

/// <summary>Calls back once, on the first sample: the target session of a single-target attach is flowing.</summary>
internal sealed class FirstSampleSink(Action onFirst) : ISampleSink
{
    private int _seen;

    public void OnSample(TargetProcess target, MetricSample sample)
    {
        if (Interlocked.Exchange(ref _seen, 1) == 0)
        {
            onFirst();
        }
    }
}
