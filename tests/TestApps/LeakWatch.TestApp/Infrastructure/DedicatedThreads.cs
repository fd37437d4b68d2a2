using System.Diagnostics;

namespace LeakWatch.TestApp;

/// <summary>Starts the app's own OS threads (not thread-pool threads), with small stacks so thousands stay cheap.</summary>
internal static class DedicatedThreads
{
    /// <summary>256 KB: enough for a parked thread, and 1000 of them reserve only 250 MB of address space.</summary>
    public const int SmallStackBytes = 256 * 1024;

    public static Thread StartBackground(string name, ThreadStart body)
    {
        var thread = new Thread(body, SmallStackBytes) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    /// <summary>
    /// Waits until every thread has reached its blocking wait (state WaitSleepJoin), so READY is printed only once
    /// the whole population is really parked. Gives up quietly after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitUntilParkedAsync(IReadOnlyCollection<Thread> threads, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && threads.Any(thread => (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }
}
