using LeakWatch.Core.Rules;

namespace LeakWatch.Core.Tests.Rules;

public class RuleIntervalFitTests
{
    [Theory]
    [InlineData(1, 20)]
    [InlineData(2, 20)]
    [InlineData(5, 45)]
    [InlineData(10, 90)]
    public void Growth_windows_widen_to_hold_two_samples_per_slice(double intervalSeconds, double windowSeconds)
    {
        var fitted = RuleIntervalFit.Fit(new RuleSetOptions(), TimeSpan.FromSeconds(intervalSeconds), out var notes);

        // The 20 s rules widen; heap-leak (5m) and async-dropped (2m) hold enough samples already.
        var shortRules = fitted.Rules.Where(r => RuleDefaults.BuiltIn.Single(b => b.Name == r.Name).Window == RuleDefaults.Window).ToList();
        Assert.All(shortRules, r => Assert.Equal(TimeSpan.FromSeconds(windowSeconds), r.Window));
        Assert.Equal(windowSeconds > 20 ? shortRules.Count : 0, notes.Count);
    }

    [Fact]
    public void A_widened_window_fills_and_fires_at_a_slow_interval()
    {
        var fitted = RuleIntervalFit.Fit(new RuleSetOptions(), TimeSpan.FromSeconds(5), out _);
        var rule = fitted.Rules.Single(r => r.Name == RuleDefaults.ThreadLeak);

        var fired = SeriesScript.FirstFired(SeriesScript.Run(rule, SeriesScript.Generate(180, t => 20 + (2 * t), interval: 5)));

        Assert.NotNull(fired);
    }
}
