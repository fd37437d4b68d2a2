namespace LeakWatch.TestApp;

/// <summary>Runs a periodic action on a <see cref="PeriodicTimer"/> until cancelled.</summary>
internal static class Ticker
{
    public static async Task EveryAsync(TimeSpan period, Func<Task> tick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await tick();
        }
    }

    public static Task EveryAsync(TimeSpan period, Action tick, CancellationToken cancellationToken) =>
        EveryAsync(period, () => { tick(); return Task.CompletedTask; }, cancellationToken);
}
