using LeakWatch.Core.Async;

namespace LeakWatch.Core.Tests.Async;

public class RepeatedResetsTests
{
    public static TheoryData<string, int[], bool> Cases => new()
    {
        // name, reset times (s), whether the last one is too many (3 within 60 s)
        { "the first reset", [0], false },
        { "two close together", [0, 5], false },
        { "three within the window", [0, 20, 40], true },
        { "three, but the first has left the window", [0, 50, 100], false },
        { "a burst after a quiet spell", [0, 200, 210, 220], true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resets_are_too_many_only_when_enough_fall_in_the_window(string name, int[] seconds, bool tooMany)
    {
        var resets = new RepeatedResets(3, TimeSpan.FromSeconds(60));

        var answers = seconds.Select(s => resets.TooMany(DateTimeOffset.UnixEpoch.AddSeconds(s))).ToList();

        Assert.True(answers[^1] == tooMany, name);
    }
}
