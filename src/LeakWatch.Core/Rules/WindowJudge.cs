namespace LeakWatch.Core.Rules;

/// <summary>
/// One span of a growth rule applied to one series: its window of points, its healthy baseline, and whether its
/// condition holds and since when (in sample time). <see cref="RuleTrack"/> combines the spans into one verdict.
/// </summary>
internal sealed class WindowJudge
{
    private readonly GrowthWindowOptions _options;
    private readonly bool _ownsWindow;
    private readonly SlopeBaseline _baseline;
    private int _restartsSeen;

    /// <param name="shared">The signal's own window, already fed by the track (the short span); null: keep one.</param>
    public WindowJudge(GrowthWindowOptions options, SeriesWindow? shared)
    {
        _options = options;
        _ownsWindow = shared is null;
        Window = shared ?? new SeriesWindow(options.Window, options.EffectiveResolution, options.MaxGap);
        _baseline = new SlopeBaseline(options.Window, options.EffectiveWarmup);
    }

    public SeriesWindow Window { get; }

    public GrowthWindowOptions Options => _options;

    /// <summary>Null until the window is full (after start or a gap): this span has no opinion yet.</summary>
    public bool? Condition { get; private set; }

    /// <summary>When the condition last became true, in sample time.</summary>
    public DateTimeOffset? TrueSince { get; private set; }

    public WindowFit? Fit { get; private set; }

    public double? Limit { get; private set; }

    /// <summary>Takes the new point (unless the window is shared) and judges again if the points a fit sees changed.</summary>
    public void Observe(SeriesPoint point, Func<bool> companionGrows, bool suspected)
    {
        var changed = true;
        if (_ownsWindow && !Window.Add(point, out _, out changed))
        {
            return;
        }

        if (Window.Restarts != _restartsSeen)
        {
            // Sustain must be continuous in the data: a gap starts the count again.
            _restartsSeen = Window.Restarts;
            TrueSince = null;
            Condition = null;
            Fit = null;
        }

        if (!changed)
        {
            return;
        }

        if (!Window.IsFull(_options.Slices))
        {
            Condition = null;
            Fit = null;
            return;
        }

        var fit = Window.Fit(_options.Slices, _options.MinSlope);
        Limit = _baseline.IsWarm ? _baseline.Limit(_options.BaselineDeviations) : null;
        Fit = fit;
        Condition = fit.Slope >= _options.MinSlope
                    && fit.Trend >= _options.MinSlope
                    && fit.RisingFraction >= _options.MinRisingFraction
                    && (Limit is null || fit.Trend > Limit)
                    && companionGrows();
        if (Condition == true)
        {
            TrueSince ??= point.Timestamp;
        }
        else
        {
            TrueSince = null;
            if (!suspected)
            {
                _baseline.Observe(point.Timestamp, fit.Trend);
            }
        }
    }

    /// <summary>The series is (or may be) leaking: trends not yet in the baseline are suspect.</summary>
    public void DiscardPending() => _baseline.DiscardPending();
}
