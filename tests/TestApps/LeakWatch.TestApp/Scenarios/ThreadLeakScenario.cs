using Orders;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// thread-leak: the classic lost acknowledgement. <c>--rate</c> (default 2) new OS threads a second, each parked forever:
/// <code>
///   thread "order-ack-N" (background, 256 KB stack) ──▶ AckWaiter.WaitForAck ──▶ ManualResetEventSlim.Wait (never Set)
/// </code>
/// STATUS leaked_threads=N.
/// </summary>
internal sealed class ThreadLeakScenario : IScenario
{
    public string Name => "thread-leak";

    public string Description => "--rate (2) new threads/s, each blocked forever in Orders.AckWaiter.WaitForAck";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var orderId = 0;
        Protocol.Ready(Name);
        await Pacer.RunAsync(args.RateOr(2), () =>
        {
            AckWaiter.StartWaiting(++orderId);
            Protocol.SetStatus("leaked_threads", orderId);
        }, cancellationToken);
    }
}
