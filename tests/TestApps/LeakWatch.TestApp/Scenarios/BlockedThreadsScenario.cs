using Orders;
using Payments;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// blocked-threads: the benchmark target, a large population built at once and held. With <c>--count</c> (default 1000):
/// <code>
///   count threads (256 KB stacks)  ──▶ AckWaiter.WaitForAck ──▶ ManualResetEventSlim.Wait (never set)
///   count × 10 async chains        ──▶ Gateway.ChargeAsync ──▶ AuthorizeAsync ──▶ AwaitSettlementAsync ──▶ TCS (never set)
///   --heap-mib N                   ──▶ N MiB of live 112-byte objects in linked pages (a heap to walk and to copy)
/// </code>
/// <c>--chains N</c> sets the chains instead of count × 10.
/// READY once every thread is parked. STATUS blocked_threads=N pending_chains=N.
/// </summary>
internal sealed class BlockedThreadsScenario : IScenario
{
    private const int ChainsPerThread = 10;

    /// <summary>Kept reachable for the process's life.</summary>
    private static object[]? Ballast { get; set; }

    public string Name => "blocked-threads";

    public string Description => "benchmark: --count (1000) threads in Orders.AckWaiter.WaitForAck + count x 10 pending Payments.Gateway chains";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var count = args.CountOr(1000);
        var threads = new List<Thread>(count);
        for (var orderId = 1; orderId <= count; orderId++)
        {
            threads.Add(AckWaiter.StartWaiting(orderId));
        }

        for (var orderId = 1; orderId <= (args.Chains ?? count * ChainsPerThread); orderId++)
        {
            _ = Gateway.ChargeAsync(orderId, amount: 5m);
        }

        Ballast = HeldHeap(args.HeapMib ?? 0);
        await DedicatedThreads.WaitUntilParkedAsync(threads, TimeSpan.FromSeconds(60), cancellationToken);
        Protocol.SetStatus("blocked_threads", AckWaiter.OutstandingCount);
        Protocol.SetStatus("pending_chains", Gateway.PendingCount);
        Protocol.Ready(Name);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>Many small objects (an array of 88 bytes is 112 on the heap), as a real service's heap is.</summary>
    private static object[] HeldHeap(int mib)
    {
        var objects = new object[(int)(mib * 1024L * 1024 / 112)];
        for (var i = 0; i < objects.Length; i++)
        {
            objects[i] = new byte[88];
        }

        return objects;
    }
}
