using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Sidecar;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>
/// A target that is leakwatch's own child (what <c>leakwatch demo</c> runs): .NET's SIGCHLD handling in the agent
/// waits for the child's pid and can take the stop of the target's main thread before the freezer sees it.
/// Every snapshot must still freeze every thread, and the target must keep running afterwards.
/// </summary>
public class ChildTargetTests
{
    private const string Key = "e2e-key-child-7d21";

    [Fact]
    public async Task Snapshots_of_the_demo_app_started_by_leakwatch_succeed_every_time()
    {
        using var agent = Agent.Start(
            ["demo", "--output", "lines", "--snapshot-baseline", "false", "--no-default-rules"],
            new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key });
        var threads = await agent.Metrics.WaitForAsync("process_num_threads");
        var pid = threads["pid"];

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var response = await AgentProbes.PostSnapshotAsync(agent, $"?pid={pid}", Key);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"snapshot {attempt}: {(int)response.StatusCode} {body}\n{agent.Process.Transcript}");
            Assert.StartsWith("Snapshot (manual): ", body, StringComparison.Ordinal);
        }

        var before = (await agent.Metrics.WaitForAsync("demo_orders_processed_total")).Value;
        await agent.Metrics.WaitForAsync("demo_orders_processed_total", s => s.Value > before);
    }
}
