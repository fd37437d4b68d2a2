using Billing;
using Shipping;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// async-leak-dup: two leaks in methods with the same name, in different types, which a report must keep apart.
/// <c>--rate</c> (default 10) new pending calls a second of each:
/// <code>
///   Billing.Invoices.DupAsync ──await──▶ TaskCompletionSource (never set)
///   Shipping.Labels.DupAsync  ──await──▶ TaskCompletionSource (never set)
/// </code>
/// STATUS leaked_invoices=N leaked_labels=N.
/// </summary>
internal sealed class AsyncLeakDupScenario : IScenario
{
    public string Name => "async-leak-dup";

    public string Description => "--rate (10)/s each of Billing.Invoices.DupAsync and Shipping.Labels.DupAsync, never completing";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var id = 0;
        Protocol.Ready(Name);
        await Pacer.RunAsync(args.RateOr(10), () =>
        {
            id++;
            _ = Invoices.DupAsync(id);
            _ = Labels.DupAsync(id);
            Protocol.SetStatus("leaked_invoices", id);
            Protocol.SetStatus("leaked_labels", id);
        }, cancellationToken);
    }
}
