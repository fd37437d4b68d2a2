using LeakWatch.Core.Rules;
using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Tests.Rules;

/// <summary>Builds series from formulas of time and runs them through a <see cref="RuleEngine"/>.</summary>
internal static class SeriesScript
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One point per <paramref name="interval"/> seconds from 0 to <paramref name="seconds"/>, skipping times <paramref name="missing"/> says.</summary>
    public static IEnumerable<(double T, double Value)> Generate(double seconds, Func<double, double> value, double interval = 1, Func<double, bool>? missing = null)
    {
        for (var t = 0.0; t <= seconds + 1e-9; t += interval)
        {
            if (missing?.Invoke(t) != true)
            {
                yield return (t, value(t));
            }
        }
    }

    /// <summary>Deterministic noise in [-1, 1] so tables stay reproducible.</summary>
    public static double Noise(double t) => Math.Sin(t * 12.9898 + 78.233) * 43758.5453 % 1;

    public static MetricSample Sample(string series, double t, double value, LabelSet? labels = null) =>
        new(series, MetricKind.Gauge, value, Start + TimeSpan.FromSeconds(t), labels ?? LabelSet.Empty, "");

    public static List<(double T, RuleVerdict Verdict)> Run(RuleOptions rule, IEnumerable<(double T, double Value)> series, int pid = 42)
    {
        var engine = new RuleEngine([rule]);
        var verdicts = new List<(double, RuleVerdict)>();
        foreach (var (t, value) in series)
        {
            verdicts.AddRange(engine.Observe(pid, Sample(rule.Series, t, value)).Select(v => (t, v)));
        }

        return verdicts;
    }

    public static double? FirstFired(IEnumerable<(double T, RuleVerdict Verdict)> verdicts) =>
        verdicts.Where(v => v.Verdict.Kind == VerdictKind.Fired).Select(v => (double?)v.T).FirstOrDefault();
}
