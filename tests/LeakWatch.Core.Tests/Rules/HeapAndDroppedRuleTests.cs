using LeakWatch.Core.Rules;
using static LeakWatch.Core.Tests.Rules.SeriesScript;

namespace LeakWatch.Core.Tests.Rules;

/// <summary>
/// The heap-leak rule (on the retained heap, a staircase that moves only at full collections) and the async-dropped rule
/// (on a counter of async methods collected unfinished), window by window.
/// </summary>
public class HeapAndDroppedRuleTests
{
    private const double MB = 1024 * 1024;

    /// <summary>A value held between full collections every <paramref name="every"/> seconds, plus ±noise at each.</summary>
    private static Func<double, double> AfterGen2(double every, Func<double, double> heap, double noise = 2 * MB) =>
        t => heap(Math.Floor(t / every) * every) + (noise * Noise(Math.Floor(t / every)));

    public static TheoryData<string, string, double, Func<double, double>, double?, string?> Table => new()
    {
        { RuleDefaults.HeapLeak, "400 KB/s, a full GC every 15 s", 600, AfterGen2(15, t => (80 * MB) + (400 * 1024 * t)), 330, "5m" },
        { RuleDefaults.HeapLeak, "400 KB/s, a full GC every 50 s", 900, AfterGen2(50, t => (80 * MB) + (400 * 1024 * t)), 400, "5m" },
        { RuleDefaults.HeapLeak, "40 KB/s, a full GC every 60 s", 2400, AfterGen2(60, t => (200 * MB) + (40 * 1024 * t)), 1500, "20m" },
        { RuleDefaults.HeapLeak, "flat, ±2 MB of LOH noise at each full GC", 2400, AfterGen2(15, _ => 200 * MB), null, null },
        { RuleDefaults.HeapLeak, "cache fills 64 MB within a minute at 5 min, then flat", 2400, AfterGen2(15, t => (80 * MB) + (64 * MB * Math.Clamp((t - 300) / 60, 0, 1))), null, null },
        { RuleDefaults.HeapLeak, "warm-up: +50 MB over the first 2 minutes", 2400, AfterGen2(15, t => (20 * MB) + (50 * MB * Math.Min(1, t / 120))), null, null },
        { RuleDefaults.HeapLeak, "daily-cache refresh: +30 MB, dropped 5 minutes later, every 10 minutes", 2400, AfterGen2(15, t => (80 * MB) + (t % 600 < 300 ? 30 * MB : 0)), null, null },
        { RuleDefaults.AsyncDropped, "20 dropped/s", 300, t => 20 * t, 150, "2m" },
        { RuleDefaults.AsyncDropped, "10 dropped after each GC, every 20 s", 600, t => 10 * Math.Floor(t / 20), 300, "2m" },
        { RuleDefaults.AsyncDropped, "one every 50 s", 2400, t => Math.Floor(t / 50), 1500, "20m" },
        { RuleDefaults.AsyncDropped, "a one-off 500 when a component shut down", 2400, t => t > 600 ? 500 : 0, null, null },
        { RuleDefaults.AsyncDropped, "three during start-up, then none", 2400, t => Math.Min(3, Math.Floor(t / 20)), null, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Fires_within_its_bound_on_the_expected_span_or_stays_quiet(string ruleName, string name, double seconds, Func<double, double> value, double? bound, string? span)
    {
        var rule = RuleDefaults.BuiltIn.Single(r => r.Name == ruleName);
        var fired = Run(rule, Generate(seconds, value)).FirstOrDefault(v => v.Verdict.Kind == VerdictKind.Fired);

        if (bound is null)
        {
            Assert.True(fired.Verdict is null, $"{ruleName} {name}: fired at {fired.T} s: {fired.Verdict?.Describe()}");
            return;
        }

        Assert.True(fired.Verdict is not null, $"{ruleName} {name}: never fired");
        Assert.InRange(fired.T, 0, bound.Value);
        Assert.Equal(span, LeakWatch.Core.Options.DurationParser.Format(fired.Verdict.Window));
    }
}
