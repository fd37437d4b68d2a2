namespace LeakWatch.Core.Rules;

/// <summary>
/// The dynamic baseline: trends seen while the series was healthy, as mean and standard deviation. A trend waits one
/// window before it joins, and the waiting ones are thrown away when the rule fires, so the start of a leak never
/// teaches the baseline that leaking is normal.
/// </summary>
public sealed class SlopeBaseline(TimeSpan joinDelay, TimeSpan warmup, int capacity = RuleDefaults.BaselineCapacity)
{
    private readonly Queue<(DateTimeOffset At, double Trend)> _pending = new();
    private readonly Queue<double> _healthy = new();
    private DateTimeOffset? _firstHealthy;
    private DateTimeOffset _lastHealthy;

    public bool IsWarm => _firstHealthy is { } first && _lastHealthy - first >= warmup && _healthy.Count >= 2;

    public int Count => _healthy.Count;

    public double Mean => _healthy.Count == 0 ? 0 : _healthy.Average();

    public double StandardDeviation
    {
        get
        {
            if (_healthy.Count < 2)
            {
                return 0;
            }

            var mean = Mean;
            return Math.Sqrt(_healthy.Sum(t => (t - mean) * (t - mean)) / (_healthy.Count - 1));
        }
    }

    /// <summary>The trend a leak must beat: mean + k·σ.</summary>
    public double Limit(double deviations) => Mean + (deviations * StandardDeviation);

    public void Observe(DateTimeOffset at, double trend)
    {
        _pending.Enqueue((at, trend));
        while (_pending.Count > 0 && at - _pending.Peek().At >= joinDelay)
        {
            var (joinedAt, joined) = _pending.Dequeue();
            _firstHealthy ??= joinedAt;
            _lastHealthy = joinedAt;
            _healthy.Enqueue(joined);
            if (_healthy.Count > capacity)
            {
                _healthy.Dequeue();
            }
        }
    }

    /// <summary>The series is (or may be) leaking: what has not joined yet is suspect.</summary>
    public void DiscardPending() => _pending.Clear();
}
