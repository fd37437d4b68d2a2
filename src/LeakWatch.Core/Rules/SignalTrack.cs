using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Rules;

/// <summary>Turns the samples of one signal (one series, or a summed family) of one process into a window of points.</summary>
internal sealed class SignalTrack(SignalOptions signal, TimeSpan window)
{
    private readonly FamilySum? _sum = signal.Aggregate == SeriesAggregation.Sum ? new FamilySum() : null;

    public SignalOptions Signal => signal;

    public SeriesWindow Window { get; } = new(window);

    /// <summary>The point the sample completes (itself, or a finished sum), or null when there is none yet.</summary>
    public SeriesPoint? Accept(MetricSample sample)
    {
        var point = _sum is null ? new SeriesPoint(sample.Timestamp, sample.Value) : _sum.Add(sample.Labels, sample.Value, sample.Timestamp);
        return point is { } p && Window.Add(p, out _) ? p : null;
    }

    public static bool Matches(SignalOptions signal, MetricSample sample)
    {
        if (sample.Name != signal.Series)
        {
            return false;
        }

        foreach (var (name, value) in signal.Match)
        {
            if (sample.Labels[name] != value)
            {
                return false;
            }
        }

        return true;
    }
}
