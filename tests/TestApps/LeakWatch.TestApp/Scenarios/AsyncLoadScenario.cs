using System.Diagnostics;
using Catalog;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// async-load: lots of async work that all completes, to load the tool's async tracking. <c>--rate</c> (default 10000)
/// operations a second, shared by a few paced worker loops:
/// <code>
///   worker ×4 ──▶ up to 256 concurrent Search.QueryAsync ──await──▶ Task.Yield() ──▶ complete;  at rate/4 per second
/// </code>
/// STATUS ops_per_sec=N (measured over the last second) ops_total=N.
/// </summary>
internal sealed class AsyncLoadScenario : IScenario
{
    private const int Workers = 4;
    private const int MaxBatch = 256; // calls in flight per worker; batching keeps thread-pool wake-ups (and CPU) low
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(25);
    private long _completed;

    public string Name => "async-load";

    public string Description => "--rate (10000) completing async ops/s in Catalog.Search.QueryAsync";

    public Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var perWorker = Math.Max(1, args.RateOr(10_000) / (double)Workers);
        Protocol.Ready(Name);
        var loops = Enumerable.Range(0, Workers)
            .Select(worker => Task.Run(() => RunWorkerAsync(worker, perWorker, cancellationToken), cancellationToken))
            .Append(ReportRateAsync(cancellationToken));
        return Task.WhenAll(loops);
    }

    private async Task RunWorkerAsync(int worker, double perSecond, CancellationToken cancellationToken)
    {
        var term = $"query-{worker}";
        var clock = Stopwatch.StartNew();
        long done = 0;
        while (true)
        {
            var due = (long)(perSecond * clock.Elapsed.TotalSeconds);
            done = Math.Max(done, due - (long)perSecond); // after a stall, catch up at most one second's worth
            if (done >= due)
            {
                await Task.Delay(IdleWait, cancellationToken);
                continue;
            }

            var batch = (int)Math.Min(due - done, MaxBatch);
            await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => Search.QueryAsync(term)));
            done += batch;
            Interlocked.Add(ref _completed, batch);
        }
    }

    private async Task ReportRateAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long previous = 0;
        await Ticker.EveryAsync(TimeSpan.FromSeconds(1), () =>
        {
            var total = Interlocked.Read(ref _completed);
            var perSecond = (total - previous) / clock.Elapsed.TotalSeconds;
            clock.Restart();
            previous = total;
            Protocol.SetStatus("ops_per_sec", (long)perSecond);
            Protocol.SetStatus("ops_total", total);
        }, cancellationToken);
    }
}
