using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Snapshots;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary>SIGTERM (a pod being deleted) ends attach cleanly with exit 0, the target untouched.</summary>
public class ShutdownTests
{
    [Fact]
    public async Task Sigterm_during_attach_exits_0_and_leaves_the_target_running()
    {
        using var app = await TestApp.StartAsync("thread-leak");
        using var agent = Agent.Attach(app.Pid, "--output", "lines", "--snapshot-baseline");
        await agent.Metrics.WaitForAsync("leakwatch_snapshots_total");
        await agent.Metrics.WaitForAsync("process_num_threads");

        agent.Process.Terminate();

        Assert.Equal(0, await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Stopped.", agent.Process.StandardOutput);
        await TargetChecks.AssertStillRunningAsync(app);
    }
}
