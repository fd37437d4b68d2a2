using System.Net.Sockets;
using Inventory;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// await-kinds: <c>--count</c> (default 50) of every kind of wait, each kind in its own method, built once then held.
/// <code>
///   Reservations.WaitForStockAsync ──await──▶ TaskCompletionSource.Task          (never set)
///   Locks.AcquireAsync             ──await──▶ SemaphoreSlim(0).WaitAsync()        (never released)
///   Events.NextEventAsync          ──await──▶ Channel reader, empty               (never written)
///   Scheduler.SleepForeverAsync    ──await──▶ Task.Delay(Timeout.Infinite)
///   Feed.ReadFeedAsync             ──await──▶ NetworkStream.ReadAsync, idle loopback connection
///   thread ──▶ Locks.WaitForLock   ──▶ Monitor.Wait                               (never pulsed)
///   thread ──▶ Locks.WaitForSignal ──▶ ManualResetEventSlim.Wait                  (never set)
/// </code>
/// Every pending task sits in the static <see cref="Pending"/> list; READY once every thread is parked.
/// STATUS pending_tasks=5×count blocked_threads=2×count.
/// </summary>
internal sealed class AwaitKindsScenario : IScenario
{
    private static readonly List<Task> Pending = [];

    public string Name => "await-kinds";

    public string Description => "--count (50) pending awaits of each kind (TCS, SemaphoreSlim, Channel, Delay, socket) + blocked threads (Monitor, MRES)";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var count = args.CountOr(50);
        var feeds = new List<NetworkStream>(count);
        for (var i = 0; i < count; i++)
        {
            feeds.Add(await Feed.ConnectAsync(cancellationToken));
        }

        var threads = new List<Thread>(2 * count);
        for (var i = 0; i < count; i++)
        {
            Pending.Add(Reservations.WaitForStockAsync($"SKU-{i:D5}"));
            Pending.Add(Locks.AcquireAsync());
            Pending.Add(Events.NextEventAsync());
            Pending.Add(Scheduler.SleepForeverAsync());
            Pending.Add(Feed.ReadFeedAsync(feeds[i]));
            threads.Add(DedicatedThreads.StartBackground("rebalance-wait", Locks.WaitForLock));
            threads.Add(DedicatedThreads.StartBackground("audit-wait", Locks.WaitForSignal));
        }

        await DedicatedThreads.WaitUntilParkedAsync(threads, TimeSpan.FromSeconds(30), cancellationToken);
        Protocol.SetStatus("pending_tasks", Pending.Count(task => !task.IsCompleted));
        Protocol.SetStatus("blocked_threads", threads.Count);
        Protocol.Ready(Name);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
