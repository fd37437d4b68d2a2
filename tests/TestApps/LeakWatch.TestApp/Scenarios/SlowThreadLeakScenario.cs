using Orders;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// slow-thread-leak: one watchdog thread leaked per failed request, <c>--rate</c> (default 0.2, one every 5 s) a
/// second, too slow for the 20 s window:
/// <code>
///   thread "retry-watch-N" ──▶ RetryMonitor.WaitForRetryWindow ──▶ SemaphoreSlim.Wait (never released)
/// </code>
/// STATUS leaked_threads=N.
/// </summary>
internal sealed class SlowThreadLeakScenario : IScenario
{
    public string Name => "slow-thread-leak";

    public string Description => "--rate (0.2) threads/s, each blocked forever in Orders.RetryMonitor.WaitForRetryWindow";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var requestId = 0;
        Protocol.Ready(Name);
        await Pacer.RunAsync(args.RateOr(0.2), () =>
        {
            RetryMonitor.WatchFailedRequest(++requestId);
            Protocol.SetStatus("leaked_threads", requestId);
        }, cancellationToken);
    }
}
