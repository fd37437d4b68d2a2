using Frontend;
using Pricing;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// heap-leak: subscribers added to a static event and never removed, <c>--rate</c> (default 25) a second, about 16 KB
/// each (400 KB/s that survives every collection, three times the heap-leak rule's floor), beside ~7 MB/s of garbage (a fifth of it 1 MB export buffers) so the GC runs as in a real service:
/// <code>
///   PriceFeed.PriceChanged (static event) ──▶ QuoteSubscriber.OnPriceChanged ──▶ QuoteSubscriber (+ decimal[1024])
/// </code>
/// STATUS subscribers=N.
/// </summary>
internal sealed class HeapLeakScenario : IScenario
{
    public string Name => "heap-leak";

    public string Description => "--rate (25) QuoteSubscribers/s added to the static event Pricing.PriceFeed.PriceChanged, never removed";

    public Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var opened = 0;
        Protocol.Ready(Name);
        return Task.WhenAll(
            Traffic.ChurnForeverAsync(largeExports: true, cancellationToken),
            Ticker.EveryAsync(TimeSpan.FromSeconds(1), () => PriceFeed.Publish(10m + (opened % 7)), cancellationToken),
            Pacer.RunAsync(args.RateOr(25), () =>
            {
                QuoteSubscriber.OpenQuoteScreen();
                Protocol.SetStatus("subscribers", ++opened);
            }, cancellationToken));
    }
}
