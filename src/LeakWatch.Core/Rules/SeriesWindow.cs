namespace LeakWatch.Core.Rules;

/// <summary>
/// The recent points of one series, trimmed to a time window. Time comes from the points themselves. A silence longer
/// than <see cref="RuleDefaults.GapIntervals"/> sampling intervals (target paused for a snapshot, a dropped session)
/// restarts the window, so a slope is never fitted across a hole it cannot see into; a long window may be given a
/// longer <paramref name="maxGap"/>. With a <paramref name="resolution"/>, samples are kept as one median point per
/// bucket of that length (time of the bucket's middle), so a one-hour window stays small and a spike inside a bucket
/// does not count.
/// </summary>
public sealed class SeriesWindow(TimeSpan window, TimeSpan resolution = default, TimeSpan? maxGap = null)
{
    private const int IntervalMemory = 8;
    private const double CoverageNeeded = 0.9;

    private readonly List<SeriesPoint> _points = [];
    private readonly Queue<double> _recentIntervals = new();
    private readonly List<double> _bucket = [];
    private DateTimeOffset _bucketStart;
    private DateTimeOffset _lastRaw;

    public TimeSpan Window => window;

    public SeriesPoint? Last => _points.Count == 0 ? null : _points[^1];

    public IReadOnlyList<SeriesPoint> Points => _points;

    /// <summary>How many times a gap made the window start again.</summary>
    public int Restarts { get; private set; }

    /// <summary>The usual spacing of samples (median of the last few), or null before two points.</summary>
    public double? TypicalIntervalSeconds
    {
        get
        {
            if (_recentIntervals.Count == 0)
            {
                return null;
            }

            var sorted = _recentIntervals.Order().ToArray();
            return sorted[sorted.Length / 2];
        }
    }

    /// <summary>Adds a point; returns false when it was out of order (ignored) and true otherwise.</summary>
    /// <param name="restarted">True when a gap made the window start again from this point.</param>
    public bool Add(SeriesPoint point, out bool restarted) => Add(point, out restarted, out _);

    /// <param name="changed">False while a bucket is still filling: the points a fit sees did not change.</param>
    public bool Add(SeriesPoint point, out bool restarted, out bool changed)
    {
        restarted = false;
        changed = false;
        if (_lastRaw != default)
        {
            var delta = (point.Timestamp - _lastRaw).TotalSeconds;
            if (delta <= 0)
            {
                return false;
            }

            var gap = maxGap?.TotalSeconds ?? (TypicalIntervalSeconds is { } typical ? RuleDefaults.GapIntervals * typical : double.MaxValue);
            if (delta > Math.Max(gap, RuleDefaults.GapIntervals * (TypicalIntervalSeconds ?? 0)))
            {
                _points.Clear();
                _bucket.Clear();
                restarted = true;
                Restarts++;
            }
            else
            {
                _recentIntervals.Enqueue(delta);
                if (_recentIntervals.Count > IntervalMemory)
                {
                    _recentIntervals.Dequeue();
                }
            }
        }

        _lastRaw = point.Timestamp;
        if (resolution > TimeSpan.Zero)
        {
            if (_bucket.Count > 0 && point.Timestamp - _bucketStart < resolution)
            {
                _bucket.Add(point.Value);
                return true;
            }

            if (_bucket.Count > 0)
            {
                Append(new SeriesPoint(_bucketStart + (resolution / 2), Median(_bucket.Order().ToList())));
                changed = true;
            }

            _bucket.Clear();
            _bucket.Add(point.Value);
            _bucketStart = point.Timestamp;
            return true;
        }

        Append(point);
        changed = true;
        return true;
    }

    private void Append(SeriesPoint point)
    {
        _points.Add(point);
        var oldest = point.Timestamp - window;
        var drop = 0;
        while (drop < _points.Count - 1 && _points[drop].Timestamp < oldest)
        {
            drop++;
        }

        _points.RemoveRange(0, drop);
    }

    /// <summary>True when the points cover (nearly) the whole window: only then is a slope worth a verdict.</summary>
    public bool IsFull(int slices) =>
        _points.Count >= Math.Max(slices * 2, 5)
        && (_points[^1].Timestamp - _points[0].Timestamp).TotalSeconds >= window.TotalSeconds * CoverageNeeded - Math.Max(TypicalIntervalSeconds ?? 0, resolution.TotalSeconds) / 2;

    /// <summary>Fits the window. <paramref name="meaningfulStepPerSecond"/>: a slice step counts as rising only above half of it.</summary>
    public WindowFit Fit(int slices, double meaningfulStepPerSecond)
    {
        var first = _points[0].Timestamp;
        var span = _points[^1].Timestamp - first;
        var sliceSeconds = span.TotalSeconds / slices;
        var medians = new List<(double X, double Y)>(slices);
        // One pass: the points are in time order (Add ignores the others), so each slice is a run of them. Scanning
        // every point for every slice cost the agent more CPU than its EventPipe sessions on a 20-minute window.
        var values = new List<double>();
        var slice = 0;
        foreach (var point in _points)
        {
            var at = (point.Timestamp - first).TotalSeconds;
            while (slice < slices - 1 && at >= (slice + 1) * sliceSeconds)
            {
                CloseSlice(slice++);
            }

            values.Add(point.Value);
        }

        for (; slice < slices; slice++)
        {
            CloseSlice(slice);
        }

        var minimumStep = meaningfulStepPerSecond * sliceSeconds / 2;
        var rising = 0;
        for (var i = 1; i < medians.Count; i++)
        {
            if (medians[i].Y - medians[i - 1].Y > minimumStep)
            {
                rising++;
            }
        }

        var risingFraction = medians.Count > 1 ? (double)rising / (medians.Count - 1) : 0;
        var lastStepRises = medians.Count > 1 && medians[^1].Y - medians[^2].Y > minimumStep;
        return new WindowFit(_points[^1].Value, LeastSquares.Slope(_points), LeastSquares.Slope(medians), risingFraction, span, lastStepRises);

        void CloseSlice(int closed)
        {
            if (values.Count > 0)
            {
                values.Sort();
                medians.Add(((closed * sliceSeconds) + (sliceSeconds / 2), Median(values)));
                values.Clear();
            }
        }
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
