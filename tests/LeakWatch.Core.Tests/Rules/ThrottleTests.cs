using LeakWatch.Core.Rules;

namespace LeakWatch.Core.Tests.Rules;

public class ThrottleTests
{
    /// <summary>Cooldown 60 s, at most 3 actions per 10 minutes: seconds of each trigger → whether it may act.</summary>
    public static TheoryData<string, double[], bool[]> Triggers => new()
    {
        { "first trigger acts", [0], [true] },
        { "second within cooldown is held back", [0, 30], [true, false] },
        { "after the cooldown it acts again", [0, 60], [true, true] },
        { "at most three in ten minutes", [0, 60, 120, 180, 240], [true, true, true, false, false] },
        { "the window slides", [0, 60, 120, 600, 601, 661], [true, true, true, true, false, true] },
        { "a held-back trigger does not restart the cooldown", [0, 59, 60], [true, false, true] },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public void Throttle_gates_actions_with_cooldown_and_sliding_window(string name, double[] seconds, bool[] expected)
    {
        var throttle = new ActionThrottle(new ThrottleOptions { Cooldown = TimeSpan.FromSeconds(60), MaxActions = 3, Per = TimeSpan.FromMinutes(10) });
        var start = DateTimeOffset.UnixEpoch;

        var actual = seconds.Select(s => throttle.TryAcquire("thread-leak", "1804", start.AddSeconds(s))).ToArray();

        Assert.True(expected.SequenceEqual(actual), $"{name}: {string.Join(",", actual)}");
    }

    [Fact]
    public void Rules_are_throttled_separately()
    {
        var throttle = new ActionThrottle(new ThrottleOptions());
        var now = DateTimeOffset.UnixEpoch;

        Assert.True(throttle.TryAcquire("thread-leak", "1804", now));
        Assert.False(throttle.TryAcquire("thread-leak", "1804", now.AddSeconds(1)));
        Assert.True(throttle.TryAcquire("timer-leak", "1804", now.AddSeconds(1)));
    }

    [Fact]
    public void Targets_are_throttled_separately()
    {
        var throttle = new ActionThrottle(new ThrottleOptions());
        var now = DateTimeOffset.UnixEpoch;

        Assert.True(throttle.TryAcquire("thread-leak", "1804", now));
        Assert.True(throttle.TryAcquire("thread-leak", "2210", now.AddSeconds(1)));
        Assert.False(throttle.TryAcquire("thread-leak", "2210", now.AddSeconds(2)));
    }
}
