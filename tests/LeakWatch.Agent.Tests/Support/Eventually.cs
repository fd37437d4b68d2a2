namespace LeakWatch.Agent.Tests.Support;

/// <summary>Polls for what background loops do; generous timeout, never asserts on elapsed time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, describe());
            await Task.Delay(10);
        }
    }
}
