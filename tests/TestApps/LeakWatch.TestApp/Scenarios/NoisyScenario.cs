using Frontend;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// noisy: a busy, healthy service that must not be mistaken for a leak. Everything it starts finishes:
/// <code>
///   every 500 ms ──▶ 0–200 thread-pool work items (Traffic.HandleRequest, microseconds each)
///   every 1 s    ──▶ 3 short-lived threads that exit within 200 ms
///   4 clients    ──▶ Traffic.CallBackendAsync ──await──▶ Task.Delay(1–50 ms), back to back
///   every 1 s    ──▶ 5 timers created, fired once, disposed
///   every 200 ms ──▶ allocate and drop ~50 arrays (now and then 1 MB)
///   every 10 s   ──▶ spike: +30 threads for ≤1 s, +2000 async calls for ≤1.5 s, +32 MB held ≤1.5 s
/// </code>
/// Well under half a core. STATUS handled=N spikes=N.
/// </summary>
internal sealed class NoisyScenario : IScenario
{
    private const int BackendClients = 4;

    public string Name => "noisy";

    public string Description => "busy but healthy: thread-pool bursts, short-lived threads, completing awaits, timers, GC churn, spikes";

    public Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        long spikes = 0;
        Protocol.Ready(Name);
        var loops = new List<Task>
        {
            Ticker.EveryAsync(TimeSpan.FromMilliseconds(500), () => Traffic.QueueRequestBurst(Random.Shared.Next(0, 201)), cancellationToken),
            Ticker.EveryAsync(TimeSpan.FromSeconds(1), () => Traffic.StartShortLivedThreads(3, TimeSpan.FromMilliseconds(200)), cancellationToken),
            Ticker.EveryAsync(TimeSpan.FromSeconds(1), () => UseShortTimersAsync(5, cancellationToken), cancellationToken),
            Ticker.EveryAsync(TimeSpan.FromMilliseconds(200), () => { Traffic.ChurnGarbage(); }, cancellationToken),
            Ticker.EveryAsync(TimeSpan.FromSeconds(1), () => Protocol.SetStatus("handled", Traffic.HandledRequests), cancellationToken),
            Ticker.EveryAsync(TimeSpan.FromSeconds(10), async () =>
            {
                await Traffic.SpikeAsync(cancellationToken);
                Protocol.SetStatus("spikes", ++spikes);
            }, cancellationToken),
        };
        loops.AddRange(Enumerable.Range(0, BackendClients).Select(_ => CallBackendForeverAsync(cancellationToken)));
        return Task.WhenAll(loops);
    }

    private static async Task CallBackendForeverAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Traffic.CallBackendAsync(1, 50, cancellationToken);
        }
    }

    private static Task UseShortTimersAsync(int timers, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, timers).Select(_ => Traffic.UseShortTimerAsync(cancellationToken)));
}
