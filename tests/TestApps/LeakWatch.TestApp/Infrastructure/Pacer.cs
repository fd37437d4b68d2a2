using System.Diagnostics;

namespace LeakWatch.TestApp;

/// <summary>Calls an action a given number of times per second, spread over 100 ms ticks, until cancelled.</summary>
internal static class Pacer
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs <paramref name="produceOne"/> <paramref name="perSecond"/> times a second. Returns early (without
    /// cancellation) when <paramref name="produceOne"/> returns false, e.g. on reaching a safety cap.
    /// </summary>
    public static async Task RunAsync(double perSecond, Func<bool> produceOne, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long produced = 0;
        using var timer = new PeriodicTimer(Tick);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var due = (long)(perSecond * clock.Elapsed.TotalSeconds);
            for (; produced < due; produced++)
            {
                if (!produceOne())
                {
                    return;
                }
            }
        }
    }

    /// <inheritdoc cref="RunAsync(double, Func{bool}, CancellationToken)"/>
    public static Task RunAsync(double perSecond, Action produceOne, CancellationToken cancellationToken) =>
        RunAsync(perSecond, () => { produceOne(); return true; }, cancellationToken);
}
