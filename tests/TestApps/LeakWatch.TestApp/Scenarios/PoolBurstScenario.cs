using Frontend;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// pool-burst: a healthy control. Every 60–120 s a batch of 12 report requests blocks pool threads for 10 s
/// (Frontend.ReportJobs.RenderBlocking); the thread pool grows to serve them and retires the threads after ~20 s idle.
/// process_num_threads and the pool's thread count go up and down; nothing leaks. STATUS bursts=N rendered=N.
/// </summary>
internal sealed class PoolBurstScenario : IScenario
{
    public string Name => "pool-burst";

    public string Description => "healthy control: blocking bursts grow the thread pool, which retires the threads again";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        long bursts = 0;
        Protocol.Ready(Name);
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(Random.Shared.Next(60, 121)), cancellationToken);
            ReportJobs.QueueBlockingBatch(args.CountOr(12), TimeSpan.FromSeconds(10));
            Protocol.SetStatus("bursts", ++bursts);
            Protocol.SetStatus("rendered", ReportJobs.Rendered);
        }
    }
}
