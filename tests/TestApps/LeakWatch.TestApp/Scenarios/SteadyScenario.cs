using Pricing;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// steady: a small healthy service, the baseline where nothing grows.
/// <code>
///   every 250 ms ──▶ Quotes.GetQuoteAsync ──await──▶ Task.Delay(5 ms) ──▶ completes (64-element array of garbage)
///   RateCache ──▶ one Timer, every second, for the whole run
/// </code>
/// STATUS quotes=N (completed calls so far).
/// </summary>
internal sealed class SteadyScenario : IScenario
{
    public string Name => "steady";

    public string Description => "healthy baseline: a few completing async calls per second, one timer, a little garbage";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        using var rates = new RateCache();
        long quotes = 0;
        Protocol.Ready(Name);
        await Ticker.EveryAsync(TimeSpan.FromMilliseconds(250), async () =>
        {
            await Quotes.GetQuoteAsync((int)(quotes % 100));
            Protocol.SetStatus("quotes", ++quotes);
        }, cancellationToken);
    }
}
