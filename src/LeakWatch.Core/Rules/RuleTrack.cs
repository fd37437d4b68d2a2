using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Rules;

/// <summary>
/// One rule applied to one series of one process: its spans (<see cref="WindowJudge"/>), and the sustain/clear state
/// machine over them. A growth rule is suspected once any span's condition has held for <c>for</c>, and clears once
/// every span with an opinion has been false for <c>for</c>.
/// </summary>
internal sealed class RuleTrack
{
    private readonly RuleOptions _rule;
    private readonly SignalOptions _signal;
    private readonly int _pid;
    private readonly LabelSet _labels;
    private readonly List<WindowJudge> _judges;
    private DateTimeOffset? _trueSince;
    private DateTimeOffset? _falseSince;
    private int _restartsSeen;

    public RuleTrack(RuleOptions rule, SignalOptions signal, int pid, LabelSet labels)
    {
        _rule = rule;
        _signal = signal;
        _pid = pid;
        _labels = labels;
        Main = new SignalTrack(signal, rule.Window);
        var spans = rule.GrowthWindows(signal);
        _judges = rule.Kind == RuleKind.Growth
            ? spans.Select((span, i) => new WindowJudge(span, i == 0 ? Main.Window : null)).ToList()
            : [];
    }

    public SignalTrack Main { get; }

    public bool Suspected { get; private set; }

    public SignalOptions Signal => _signal;

    /// <summary>Evaluates after a new point; <paramref name="companion"/> is the rule's <c>while</c> series for this process.</summary>
    public RuleVerdict? Evaluate(SeriesPoint point, SignalTrack? companion)
    {
        return _rule.Kind == RuleKind.Threshold ? EvaluateThreshold(point) : EvaluateGrowth(point, companion);
    }

    /// <summary>The verdict to publish when the series goes away while suspected.</summary>
    public RuleVerdict? Forget()
    {
        if (!Suspected || Main.Window.Last is not { } last)
        {
            return null;
        }

        Suspected = false;
        return Verdict(VerdictKind.Cleared, last, null);
    }

    private RuleVerdict? EvaluateGrowth(SeriesPoint point, SignalTrack? companion)
    {
        foreach (var judge in _judges)
        {
            judge.Observe(point, () => CompanionGrows(companion), Suspected);
        }

        var now = point.Timestamp;
        var opinions = _judges.Where(j => j.Condition is not null).ToList();
        if (opinions.Count == 0)
        {
            return Suspected ? Verdict(VerdictKind.Holding, point, null) : null;
        }

        var holding = opinions.Where(j => j.Condition == true).ToList();
        if (holding.Count > 0)
        {
            _falseSince = null;
            if (Suspected)
            {
                return Verdict(VerdictKind.Holding, point, holding[0]);
            }

            // A new episode needs growth now: a span that only just filled may still see a leak that has stopped.
            if (holding.FirstOrDefault(j => now - j.TrueSince >= _rule.For && (j == _judges[0] || j.Fit?.LastStepRises == true)) is not { } firing)
            {
                return null;
            }

            Suspected = true;
            _judges.ForEach(j => j.DiscardPending());
            return Verdict(VerdictKind.Fired, point, firing);
        }

        return Suspected ? Clearing(point, now, _judges[0]) : null;
    }

    private RuleVerdict? EvaluateThreshold(SeriesPoint point)
    {
        var window = Main.Window;
        if (window.Restarts != _restartsSeen)
        {
            _restartsSeen = window.Restarts;
            _trueSince = null;
        }

        var now = point.Timestamp;
        if (point.Value > _rule.Above)
        {
            _falseSince = null;
            _trueSince ??= now;
            if (Suspected)
            {
                return Verdict(VerdictKind.Holding, point, null);
            }

            if (now - _trueSince >= _rule.For)
            {
                Suspected = true;
                return Verdict(VerdictKind.Fired, point, null);
            }

            return null;
        }

        _trueSince = null;
        return Suspected ? Clearing(point, now, null) : null;
    }

    private RuleVerdict Clearing(SeriesPoint point, DateTimeOffset now, WindowJudge? judge)
    {
        _falseSince ??= now;
        if (now - _falseSince >= _rule.For)
        {
            Suspected = false;
            _falseSince = null;
            return Verdict(VerdictKind.Cleared, point, judge);
        }

        return Verdict(VerdictKind.Holding, point, judge);
    }

    private bool CompanionGrows(SignalTrack? companion)
    {
        if (_rule.While is null)
        {
            return true;
        }

        if (companion is null || !companion.Window.IsFull(_rule.Slices))
        {
            return false;
        }

        var fit = companion.Window.Fit(_rule.Slices, _rule.While.MinSlope);
        return fit.Slope >= _rule.While.MinSlope && fit.Trend >= _rule.While.MinSlope;
    }

    private RuleVerdict Verdict(VerdictKind kind, SeriesPoint point, WindowJudge? judge)
    {
        var fit = judge?.Fit;
        var points = Main.Window.Points;
        return new RuleVerdict(
            _rule.Name,
            _rule.Kind,
            kind,
            _pid,
            _signal.Series,
            _labels,
            point.Timestamp,
            point.Value,
            fit?.Slope ?? (points.Count >= 2 ? LeastSquares.Slope(points) : 0),
            fit?.Trend ?? 0,
            judge?.Options.Window ?? _rule.Window,
            _rule.Kind == RuleKind.Threshold ? _rule.Above : null,
            judge?.Limit);
    }
}
