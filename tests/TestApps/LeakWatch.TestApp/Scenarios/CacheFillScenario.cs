using Catalog;
using Frontend;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// cache-fill: a healthy control. 30 s after READY the product cache loads <c>--count</c> (default 16000) 4 KB pages at
/// 250 a second (64 MB over about a minute) and then stops for good, beside ~7 MB/s of garbage (a fifth of it 1 MB export buffers): the heap climbs once and
/// stays flat. STATUS cached=N.
/// </summary>
internal sealed class CacheFillScenario : IScenario
{
    public string Name => "cache-fill";

    public string Description => "healthy control: Catalog.ProductCache fills once (64 MB over a minute), then stays flat";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        Protocol.Ready(Name);
        var churn = Traffic.ChurnForeverAsync(largeExports: true, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        var products = args.CountOr(16_000);
        await Pacer.RunAsync(args.RateOr(250), () =>
        {
            var added = ProductCache.LoadNextPage(products, 4096);
            Protocol.SetStatus("cached", ProductCache.Count);
            return added;
        }, cancellationToken);
        await churn;
    }
}
