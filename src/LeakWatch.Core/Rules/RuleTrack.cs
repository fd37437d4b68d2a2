using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Rules;

/// <summary>
/// One rule applied to one series of one process: the window, the healthy baseline, and the sustain/clear state machine.
/// </summary>
internal sealed class RuleTrack(RuleOptions rule, SignalOptions signal, int pid, LabelSet labels)
{
    private readonly SlopeBaseline _baseline = new(rule.Window, rule.Warmup);
    private DateTimeOffset? _trueSince;
    private DateTimeOffset? _falseSince;
    private int _restartsSeen;

    public SignalTrack Main { get; } = new(signal, rule.Window);

    public bool Suspected { get; private set; }

    public SignalOptions Signal => signal;

    /// <summary>Evaluates after a new point; <paramref name="companion"/> is the rule's <c>while</c> series for this process.</summary>
    public RuleVerdict? Evaluate(SeriesPoint point, SignalTrack? companion)
    {
        var window = Main.Window;
        if (window.Restarts != _restartsSeen)
        {
            // Sustain must be continuous in the data: a gap starts the count again.
            _restartsSeen = window.Restarts;
            _trueSince = null;
        }

        bool condition;
        WindowFit? fit = window.IsFull(rule.Slices) ? window.Fit(rule.Slices, signal.MinSlope) : null;
        double? limit = null;
        if (rule.Kind == RuleKind.Threshold)
        {
            condition = point.Value > rule.Above;
        }
        else
        {
            if (fit is null)
            {
                return Suspected ? Verdict(VerdictKind.Holding, point, fit, limit) : null;
            }

            limit = _baseline.IsWarm ? _baseline.Limit(rule.BaselineDeviations) : null;
            condition = fit.Slope >= signal.MinSlope
                        && fit.Trend >= signal.MinSlope
                        && fit.RisingFraction >= rule.MinRisingFraction
                        && (limit is null || fit.Trend > limit)
                        && CompanionGrows(companion);
        }

        var now = point.Timestamp;
        if (condition)
        {
            _falseSince = null;
            _trueSince ??= now;
            if (Suspected)
            {
                return Verdict(VerdictKind.Holding, point, fit, limit);
            }

            if (now - _trueSince >= rule.For)
            {
                Suspected = true;
                _baseline.DiscardPending();
                return Verdict(VerdictKind.Fired, point, fit, limit);
            }

            return null;
        }

        _trueSince = null;
        if (Suspected)
        {
            _falseSince ??= now;
            if (now - _falseSince >= rule.For)
            {
                Suspected = false;
                _falseSince = null;
                return Verdict(VerdictKind.Cleared, point, fit, limit);
            }

            return Verdict(VerdictKind.Holding, point, fit, limit);
        }

        if (fit is not null)
        {
            _baseline.Observe(now, fit.Trend);
        }

        return null;
    }

    /// <summary>The verdict to publish when the series goes away while suspected.</summary>
    public RuleVerdict? Forget()
    {
        if (!Suspected || Main.Window.Last is not { } last)
        {
            return null;
        }

        Suspected = false;
        return Verdict(VerdictKind.Cleared, last, null, null);
    }

    private bool CompanionGrows(SignalTrack? companion)
    {
        if (rule.While is null)
        {
            return true;
        }

        if (companion is null || !companion.Window.IsFull(rule.Slices))
        {
            return false;
        }

        var fit = companion.Window.Fit(rule.Slices, rule.While.MinSlope);
        return fit.Slope >= rule.While.MinSlope && fit.Trend >= rule.While.MinSlope;
    }

    private RuleVerdict Verdict(VerdictKind kind, SeriesPoint point, WindowFit? fit, double? limit) => new(
        rule.Name,
        rule.Kind,
        kind,
        pid,
        signal.Series,
        labels,
        point.Timestamp,
        point.Value,
        fit?.Slope ?? (Main.Window.Points.Count >= 2 ? LeastSquares.Slope(Main.Window.Points) : 0),
        fit?.Trend ?? 0,
        rule.Window,
        rule.Kind == RuleKind.Threshold ? rule.Above : null,
        limit);
}
