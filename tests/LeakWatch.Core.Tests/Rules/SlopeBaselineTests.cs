using LeakWatch.Core.Rules;

namespace LeakWatch.Core.Tests.Rules;

public class SlopeBaselineTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Trends_join_after_a_delay_and_the_baseline_warms_up()
    {
        var baseline = new SlopeBaseline(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        for (var t = 0; t <= 40; t++)
        {
            baseline.Observe(Start.AddSeconds(t), t % 2 == 0 ? 1 : -1);
        }

        // Joined: trends from 0..20 s; 20 s of history is not yet the 30 s warm-up.
        Assert.Equal(21, baseline.Count);
        Assert.False(baseline.IsWarm);
        for (var t = 41; t <= 60; t++)
        {
            baseline.Observe(Start.AddSeconds(t), t % 2 == 0 ? 1 : -1);
        }

        Assert.True(baseline.IsWarm);
        Assert.InRange(baseline.Mean, -0.1, 0.1);
        Assert.InRange(baseline.Limit(3), 2.9, 3.2);
    }

    [Fact]
    public void Discarded_trends_never_join()
    {
        var baseline = new SlopeBaseline(TimeSpan.FromSeconds(20), TimeSpan.Zero);
        for (var t = 0; t < 15; t++)
        {
            baseline.Observe(Start.AddSeconds(t), 5);
        }

        baseline.DiscardPending();
        baseline.Observe(Start.AddSeconds(40), 0);

        Assert.Equal(0, baseline.Count);
    }
}
