using System.Runtime.CompilerServices;
using LeakWatch.TestApp;

namespace Orders;

/// <summary>
/// A failed request gets a watchdog thread that waits for its retry window, which the scheduler never opens: one OS
/// thread leaked per failed request, a few a minute. Too slow for a 20 s window, the slow spans' case.
/// <code>
///   thread "retry-watch-N" ──▶ RetryMonitor.WaitForRetryWindow ──▶ SemaphoreSlim.Wait (never released)
/// </code>
/// </summary>
internal static class RetryMonitor
{
    private static readonly List<SemaphoreSlim> Windows = [];

    public static void WatchFailedRequest(int requestId)
    {
        var window = new SemaphoreSlim(0);
        lock (Windows)
        {
            Windows.Add(window);
        }

        DedicatedThreads.StartBackground($"retry-watch-{requestId}", () => WaitForRetryWindow(window));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitForRetryWindow(SemaphoreSlim window) => window.Wait(); // nobody ever calls Release()
}
