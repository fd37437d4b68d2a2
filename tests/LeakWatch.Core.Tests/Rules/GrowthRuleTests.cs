using LeakWatch.Core.Rules;
using static LeakWatch.Core.Tests.Rules.SeriesScript;

namespace LeakWatch.Core.Tests.Rules;

public class GrowthRuleTests
{
    private static readonly RuleOptions ThreadRule = RuleDefaults.BuiltIn.Single(r => r.Name == RuleDefaults.ThreadLeak);

    /// <summary>name, series, leak start (null: healthy, must never fire).</summary>
    public static TheoryData<string, Func<double, double>, double?> Series => new()
    {
        { "steady", t => 20 + Noise(t), null },
        { "linear leak 2/s", t => 20 + (2 * t) + Noise(t), 0 },
        { "linear leak 2/s starting at 40 s", t => 20 + (2 * Math.Max(0, t - 40)) + Noise(t), 40 },
        { "fast leak 10/s", t => 20 + (10 * t), 0 },
        { "burst that comes back", t => 20 + Burst(t, 30, rise: 5, height: 40) + Noise(t), null },
        { "burst every 10 s", t => 20 + (t % 10 < 1 ? 30 : 0) + Noise(t), null },
        { "noisy sine", t => 50 + (10 * Math.Sin(2 * Math.PI * t / 10)) + (3 * Noise(t)), null },
        { "step up that stays", t => t < 30 ? 20 : 70, null },
        { "slow leak below floor 0.3/s", t => 20 + (0.3 * t) + Noise(t), null },
        { "start-up ramp then flat", t => 13 + Math.Min(8, 0.8 * t), null },
    };

    [Theory]
    [MemberData(nameof(Series))]
    public void Growth_rule_fires_on_leaks_within_30_s_and_stays_quiet_otherwise(string name, Func<double, double> value, double? leakStart)
    {
        var verdicts = Run(ThreadRule, Generate(180, value));
        var fired = FirstFired(verdicts);

        if (leakStart is null)
        {
            Assert.True(fired is null, $"{name}: fired at {fired} s");
        }
        else
        {
            Assert.True(fired is not null, $"{name}: never fired");
            Assert.InRange(fired!.Value - leakStart.Value, 0, 30);
        }
    }

    [Fact]
    public void A_fired_rule_holds_while_the_leak_lasts_and_clears_after_it_stops()
    {
        var verdicts = Run(ThreadRule, Generate(150, t => 20 + (2 * Math.Min(t, 60))));

        var kinds = verdicts.Select(v => v.Verdict.Kind).Distinct().ToList();
        Assert.Equal([VerdictKind.Fired, VerdictKind.Holding, VerdictKind.Cleared], kinds);
        Assert.Single(verdicts, v => v.Verdict.Kind == VerdictKind.Fired);
        var cleared = verdicts.Single(v => v.Verdict.Kind == VerdictKind.Cleared).T;
        Assert.InRange(cleared, 60, 90);
    }

    [Fact]
    public void Verdict_reports_value_slope_and_window()
    {
        var fired = Run(ThreadRule, Generate(60, t => 20 + (2 * t))).First(v => v.Verdict.Kind == VerdictKind.Fired).Verdict;

        Assert.Equal("process_num_threads", fired.Signal);
        Assert.Equal(2, fired.Slope, 3);
        Assert.Equal(RuleDefaults.Window, fired.Window);
        Assert.Equal(20 + (2 * (fired.Timestamp - Start).TotalSeconds), fired.Value, 3);
        Assert.Contains("thread-leak", fired.Describe(), StringComparison.Ordinal);
        Assert.Contains("+2/s over 20s", fired.Describe(), StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<double, double>, Func<double, bool>, bool> Gaps => new()
    {
        // A paused target: flat before and after, but the value jumped while nobody watched. Bridging the gap would fake a slope.
        { "jump across a gap", t => t < 40 ? 20 : 80, t => t is > 30 and < 50, false },
        { "paused while flat", t => 20 + Noise(t), t => t is > 30 and < 60, false },
        // Samples every 5 s with no gap are just a slow interval, not a gap.
        { "leak across a gap is found again after the window refills", t => 20 + (2 * t), t => t is > 10 and < 25, true },
    };

    [Theory]
    [MemberData(nameof(Gaps))]
    public void A_gap_in_the_data_never_fakes_a_slope(string name, Func<double, double> value, Func<double, bool> missing, bool shouldFire)
    {
        var fired = FirstFired(Run(ThreadRule, Generate(120, value, missing: missing)));

        Assert.True(fired is not null == shouldFire, $"{name}: fired at {fired}");
    }

    [Fact]
    public void Sparse_but_regular_samples_are_not_gaps()
    {
        var fired = FirstFired(Run(ThreadRule, Generate(120, t => 20 + (2 * t), interval: 2)));

        Assert.InRange(fired ?? double.MaxValue, 0, 30);
    }

    /// <summary>Healthy swings: up and down at 0.45/s, just under the floor, for 80 s a cycle.</summary>
    private static double Triangle(double t) => 0.45 * (t % 80 < 40 ? t % 80 : 80 - (t % 80));

    public static TheoryData<string, Func<double, double>, double, bool> Baselines => new()
    {
        // After 5 minutes of swings the baseline knows trends of ±0.45/s: a 0.6/s climb on top is within mean + 3σ.
        { "gentle climb after healthy history", t => 20 + Triangle(t) + (0.6 * Math.Max(0, t - 300)), 300, false },
        // The same climb with no history: only the floor decides, and it passes.
        { "gentle climb with no history", t => 20 + Triangle(t) + (0.6 * t), 0, true },
        { "steep climb after healthy history", t => 20 + Triangle(t) + (2 * Math.Max(0, t - 300)), 300, true },
    };

    [Theory]
    [MemberData(nameof(Baselines))]
    public void The_healthy_baseline_raises_the_bar_for_a_series_that_always_moves(string name, Func<double, double> value, double climbStart, bool shouldFire)
    {
        var rule = ThreadRule with { MinSlope = 0.5 };
        var verdicts = Run(rule, Generate(climbStart + 120, value));

        var fired = FirstFired(verdicts);
        Assert.True(fired is not null == shouldFire, $"{name}: fired at {fired}");
        if (fired is not null)
        {
            Assert.True(fired >= climbStart, $"{name}: fired at {fired} before the climb started");
            var limit = verdicts.First(v => v.Verdict.Kind == VerdictKind.Fired).Verdict.BaselineLimit;
            Assert.True(climbStart == 0 ? limit is null : limit is > 0.45, $"{name}: baseline limit {limit}");
        }
    }

    private static double Burst(double t, double at, double rise, double height) =>
        t < at ? 0 : t < at + rise ? height * (t - at) / rise : t < at + (2 * rise) ? height * (1 - ((t - at - rise) / rise)) : 0;
}
