using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary>
/// The node agent (a DaemonSet with hostPID): <c>attach --all</c> finds a .NET process of another container, whose
/// diagnostic socket is in its own private /tmp, through /proc/PID/root.
/// </summary>
[Collection(MachineWideTests.Name)]
public class NodeAgentTests
{
    [Fact]
    public async Task All_finds_an_app_whose_tmp_is_private_and_reads_its_counters_and_proc_figures()
    {
        using var app = await TestApp.StartInOwnNamespacesAsync("steady", diagnosticSocket: null);
        var hostPid = app.HostPid;
        // Its socket is not where the usual look-up searches: only /proc/PID/root/tmp has it.
        Assert.Empty(Directory.EnumerateFiles("/tmp", $"dotnet-diagnostic-{hostPid}-*"));
        Assert.NotEmpty(Directory.EnumerateFiles($"/proc/{hostPid}/root/tmp", "dotnet-diagnostic-1-*-socket"));

        // --name narrows --all to the test apps, so other .NET processes on the machine are left alone.
        using var agent = Agent.Start(["attach", "--all", "--name", "LeakWatch.TestApp", "--output", "lines"]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);

        await AgentProbes.WaitForPidAsync(agent, "dotnet_thread_pool_thread_count", hostPid);
        // The pid is the host's, so /proc/PID is the app: the OS series are there too.
        await AgentProbes.WaitForPidAsync(agent, "process_num_threads", hostPid);
        Assert.True(app.IsRunning);
    }
}
