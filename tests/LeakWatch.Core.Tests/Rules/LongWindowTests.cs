using LeakWatch.Core.Rules;
using static LeakWatch.Core.Tests.Rules.SeriesScript;

namespace LeakWatch.Core.Tests.Rules;

/// <summary>
/// The long spans of the built-in growth rules (5 and 20 minutes beside the 20 s window). Every series is written in
/// units of the rule's short floor (1 thread/s, 10 operations/s, 5 timers/s, 1 descriptor/s), so one table checks
/// every rule's every window.
/// </summary>
public class LongWindowTests
{
    public static readonly string[] LongWindowRules = [RuleDefaults.ThreadLeak, RuleDefaults.TaskLeak, RuleDefaults.TimerLeak, RuleDefaults.FdLeak];

    /// <summary>Leaks: name, length of the run (s), series in floors, leak start, latest acceptable detection after it, the span expected to fire.</summary>
    public static TheoryData<string, string, double, Func<double, double>, double, double, string> Leaks()
    {
        var data = new TheoryData<string, string, double, Func<double, double>, double, double, string>();
        foreach (var rule in LongWindowRules)
        {
            data.Add(rule, "fast 2 floors/s", 120, t => 20 + (2 * t) + Noise(t), 0, 30, "20s");
            data.Add(rule, "0.2 floors/s after 10 healthy minutes", 1500, t => 20 + (0.2 * Math.Max(0, t - 600)) + (2 * Noise(t)), 600, 600, "5m");
            data.Add(rule, "0.2 floors/s from attach", 900, t => 20 + (0.2 * t) + (2 * Noise(t)), 0, 600, "5m");
            data.Add(rule, "0.05 floors/s after 5 healthy minutes", 2700, t => 20 + (0.05 * Math.Max(0, t - 300)) + (2 * Noise(t)), 300, 1800, "20m");
            data.Add(rule, "0.05 floors/s from attach", 2100, t => 20 + (0.05 * t) + (2 * Noise(t)), 0, 1800, "20m");
            data.Add(rule, "0.5 floors/s in steps of 5 every 10 s", 900, t => 20 + (5 * Math.Floor(Math.Max(0, t - 60) / 10)), 60, 600, "5m");
            // Samples paused for 8 s every 2 minutes (snapshots): the short window restarts, the long ones bridge it.
            data.Add(rule, "0.2 floors/s with a pause every 2 minutes", 1200, t => 20 + (0.2 * t) + Noise(t), 0, 600, "5m");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Leaks))]
    public void Each_span_fires_on_its_leak_within_its_bound(string ruleName, string name, double seconds, Func<double, double> floors, double leakStart, double bound, string span)
    {
        var rule = Rule(ruleName);
        Func<double, bool>? missing = name.Contains("pause", StringComparison.Ordinal) ? t => t % 120 is > 60 and < 68 : null;
        var verdicts = Run(rule, Generate(seconds, t => rule.MinSlope * floors(t), missing: missing));

        var fired = verdicts.FirstOrDefault(v => v.Verdict.Kind == VerdictKind.Fired);
        Assert.True(fired.Verdict is not null, $"{ruleName} {name}: never fired");
        Assert.InRange(fired.T - leakStart, 0, bound);
        Assert.Equal(span, LeakWatch.Core.Options.DurationParser.Format(fired.Verdict.Window));
    }

    /// <summary>Healthy series that a long span could mistake for a leak, in floors of the rule.</summary>
    public static TheoryData<string, string, Func<double, double>> Quiet()
    {
        var data = new TheoryData<string, string, Func<double, double>>();
        foreach (var rule in LongWindowRules)
        {
            data.Add(rule, "flat with noise", t => 20 + (3 * Noise(t)));
            data.Add(rule, "warm-up: +30 in the first minute, then flat", t => 10 + Math.Min(30, 0.5 * t) + Noise(t));
            data.Add(rule, "warm-up in two stages: +20 at start, +15 at 3 min", t => 10 + Math.Min(20, 0.5 * t) + (t > 180 ? Math.Min(15, (t - 180) * 0.5) : 0) + Noise(t));
            data.Add(rule, "cache fills once: +40 over 2 minutes at 10 min", t => 20 + Math.Clamp((t - 600) / 3, 0, 40) + Noise(t));
            data.Add(rule, "pool burst: +40 in 5 s, retired over 2 minutes, every 5 minutes", t => 20 + PoolBurst(t % 300) + Noise(t));
            data.Add(rule, "pool grows under a 3-minute burst and retires", t => 20 + (t % 600 < 180 ? Math.Min(25, (t % 600) / 4) : Math.Max(0, 25 - ((t % 600) - 180) / 8)) + Noise(t));
            data.Add(rule, "slow cycle ±10 over 10 minutes", t => 40 + (10 * Math.Sin(2 * Math.PI * t / 600)) + Noise(t));
            data.Add(rule, "one-sample spikes of +200 every 30 s", t => 20 + (t % 30 < 1 ? 200 : 0) + Noise(t));
            data.Add(rule, "jump of +30 across a 60 s pause", t => 20 + (t > 900 ? 30 : 0) + Noise(t));
            data.Add(rule, "climb below every floor: 0.015 floors/s", t => 20 + (0.015 * t) + Noise(t));
            data.Add(rule, "sawtooth: +0.2/s for 2 minutes, then back", t => 20 + (0.2 * (t % 240 < 120 ? t % 240 : 240 - (t % 240))) + Noise(t));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Quiet))]
    public void No_span_fires_on_healthy_series(string ruleName, string name, Func<double, double> floors)
    {
        var rule = Rule(ruleName);
        Func<double, bool>? missing = name.Contains("pause", StringComparison.Ordinal) ? t => t is > 870 and < 930 : null;
        var verdicts = Run(rule, Generate(2700, t => rule.MinSlope * floors(t), missing: missing));

        var fired = verdicts.FirstOrDefault(v => v.Verdict.Kind == VerdictKind.Fired);
        Assert.True(fired.Verdict is null, $"{ruleName} {name}: fired at {fired.T} s over {fired.Verdict?.Window}: {fired.Verdict?.Describe()}");
    }

    [Fact]
    public void A_slow_leak_that_stops_clears()
    {
        var rule = Rule(RuleDefaults.ThreadLeak);
        var verdicts = Run(rule, Generate(2400, t => 20 + (0.2 * Math.Min(t, 900)) + Noise(t)));

        Assert.True(verdicts.Count(v => v.Verdict.Kind == VerdictKind.Fired) == 1, string.Join("\n", verdicts.Where(v => v.Verdict.Kind != VerdictKind.Holding).Select(v => $"{v.T}: {v.Verdict.Describe()}")));
        var cleared = verdicts.Single(v => v.Verdict.Kind == VerdictKind.Cleared).T;
        Assert.InRange(cleared, 900, 900 + 1200);
    }

    [Fact]
    public void A_long_window_keeps_a_bounded_number_of_points()
    {
        var span = new GrowthWindowOptions { Window = TimeSpan.FromHours(1), MinSlope = 0.01 };
        var window = new SeriesWindow(span.Window, span.EffectiveResolution, span.MaxGap);
        foreach (var (t, value) in Generate(4 * 3600, t => t))
        {
            window.Add(new SeriesPoint(Start + TimeSpan.FromSeconds(t), value), out _);
        }

        Assert.InRange(window.Points.Count, RuleDefaults.LongWindowPoints - 1, RuleDefaults.LongWindowPoints + 1);
        Assert.True(window.IsFull(span.Slices));
    }

    [Fact]
    public void Long_windows_are_replaced_from_the_rules_file_and_checked()
    {
        var document = new RulesDocument
        {
            Rules =
            [
                new RuleDocument { Name = "thread-leak", LongWindows = [new WindowDocument { Window = "1h", MinSlope = 0.01 }] },
                new RuleDocument { Name = "fd-leak", LongWindows = [] },
            ],
        };

        var options = RulesDocumentBinder.Bind(document, new RuleSetOptions(), out var errors);

        Assert.Empty(errors);
        var span = Assert.Single(options.Rules.Single(r => r.Name == "thread-leak").LongWindows);
        Assert.Equal(TimeSpan.FromHours(1), span.Window);
        Assert.Equal(TimeSpan.FromMinutes(1), span.EffectiveResolution);
        Assert.Empty(options.Rules.Single(r => r.Name == "fd-leak").LongWindows);
    }

    public static TheoryData<WindowDocument, string> InvalidLongWindows => new()
    {
        { new WindowDocument { Window = "5m" }, "rule 'thread-leak': field 'longWindows[0]' needs both window and minSlope" },
        { new WindowDocument { Window = "10s", MinSlope = 0.1 }, "rule 'thread-leak': field 'longWindows[0].window' must be longer than the rule's window (20s)" },
        { new WindowDocument { Window = "5m", MinSlope = -1 }, "rule 'thread-leak': field 'longWindows[0].minSlope' must be a positive rate" },
        { new WindowDocument { Window = "5m", MinSlope = 0.1, Resolution = "1m" }, "rule 'thread-leak': field 'longWindows[0].resolution' must leave at least two points per slice" },
    };

    [Theory]
    [MemberData(nameof(InvalidLongWindows))]
    public void An_invalid_long_window_names_its_field(WindowDocument entry, string expected)
    {
        RulesDocumentBinder.Bind(new RulesDocument { Rules = [new RuleDocument { Name = "thread-leak", LongWindows = [entry] }] }, new RuleSetOptions(), out var errors);

        Assert.StartsWith(expected, Assert.Single(errors).ToString(), StringComparison.Ordinal);
    }

    private static RuleOptions Rule(string name) => RuleDefaults.BuiltIn.Single(r => r.Name == name);

    private static double PoolBurst(double t) => t < 5 ? 8 * t : Math.Max(0, 40 - ((t - 5) / 3));
}
