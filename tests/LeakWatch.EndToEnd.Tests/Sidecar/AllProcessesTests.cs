using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary><c>attach --all</c>: one agent for every .NET process it can see (a shared-pid pod, a node).</summary>
// An agent watching every process on the machine would also watch (and, when its rules fire, snapshot) the
// test apps of tests running beside it: these tests run alone.
[Collection(MachineWideTests.Name)]
public class AllProcessesTests
{
    [Fact]
    public async Task Two_apps_are_told_apart_by_pid_and_an_exited_one_disappears()
    {
        using var first = await TestApp.StartAsync("steady");
        using var second = await TestApp.StartAsync("exit-soon", TestApp.Net10, "--exit-after", "20");
        // --name narrows --all to the test apps, so other .NET processes on the machine are left alone.
        using var agent = Agent.Start(["attach", "--all", "--name", "LeakWatch.TestApp", "--output", "lines"]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);

        foreach (var app in new[] { first, second })
        {
            await AgentProbes.WaitForPidAsync(agent, "process_num_threads", app.Pid);
            await AgentProbes.WaitForPidAsync(agent, "dotnet_thread_pool_thread_count", app.Pid);
        }

        Assert.Equal(0, await second.Process.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        await AgentProbes.WaitUntilGoneAsync(agent, second.Pid);

        var samples = await agent.Metrics.ScrapeAsync();
        Assert.Contains(samples, s => s.Name == "process_num_threads" && s["pid"] == AgentProbes.Text(first.Pid) && s["process_name"] == "LeakWatch.TestApp");
        Assert.False(agent.Process.HasExited, agent.Process.Transcript);
    }

    [Fact]
    public async Task A_process_started_after_the_agent_is_picked_up()
    {
        using var agent = Agent.Start(["attach", "--all", "--name", "LeakWatch.TestApp", "--output", "lines"]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        using var app = await TestApp.StartAsync("steady");

        await AgentProbes.WaitForPidAsync(agent, "process_num_threads", app.Pid);
    }
}
