using Payments;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// task-leak: payments whose settlement never arrives. <c>--rate</c> (default 40) new chains a second, each pending forever:
/// <code>
///   Gateway.ChargeAsync ──▶ Gateway.AuthorizeAsync ──▶ Gateway.AwaitSettlementAsync ──▶ TaskCompletionSource
///                                                      (static PendingSettlements keeps the TCS, and so the chain, alive)
/// </code>
/// STATUS leaked_tasks=N (chains started; each is three pending async methods).
/// </summary>
internal sealed class TaskLeakScenario : IScenario
{
    public string Name => "task-leak";

    public string Description => "--rate (40) async chains/s never completing: Payments.Gateway.ChargeAsync -> AuthorizeAsync -> AwaitSettlementAsync";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var orderId = 0;
        Protocol.Ready(Name);
        await Pacer.RunAsync(args.RateOr(40), () =>
        {
            _ = Gateway.ChargeAsync(++orderId, amount: 19.99m);
            Protocol.SetStatus("leaked_tasks", orderId);
        }, cancellationToken);
    }
}
