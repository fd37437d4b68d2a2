using Frontend;
using Notifications;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// dropped-async: <c>--rate</c> (default 20) webhook deliveries a second that await a receipt nobody references, so the
/// GC collects them unfinished (their finally never runs), beside ~2 MB/s of garbage so collections happen:
/// <code>
///   WebhookDelivery.DeliverAsync ──▶ WebhookDelivery.AwaitReceiptAsync ──▶ TaskCompletionSource (unreferenced)
/// </code>
/// STATUS started=N finished=0.
/// </summary>
internal sealed class DroppedAsyncScenario : IScenario
{
    public string Name => "dropped-async";

    public string Description => "--rate (20) async chains/s Notifications.WebhookDelivery.DeliverAsync -> AwaitReceiptAsync awaiting an unreferenced TCS (collected unfinished)";

    public Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var started = 0;
        Protocol.Ready(Name);
        return Task.WhenAll(
            Traffic.ChurnForeverAsync(largeExports: false, cancellationToken),
            Pacer.RunAsync(args.RateOr(20), () =>
            {
                _ = WebhookDelivery.DeliverAsync(++started);
                Protocol.SetStatus("started", started);
                Protocol.SetStatus("finished", WebhookDelivery.Finished);
            }, cancellationToken));
    }
}
