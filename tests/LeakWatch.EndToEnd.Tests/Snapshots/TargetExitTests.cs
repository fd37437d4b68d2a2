using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Sidecar;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>
/// A target that dies at any moment of a snapshot: <c>stacks</c> ends with exit 8 and one line (or 0 when the snapshot
/// was complete first), never an unhandled exception from inside the data reader; <c>attach</c> logs a line and goes on.
/// </summary>
public class TargetExitTests
{
    private const string Key = "e2e-key-7d2b0c9e1f";

    [Theory]
    [InlineData("start+300|runtime ready, target running+0|runtime ready, target running+10|frozen,+0|frozen,+15")]
    [InlineData("resumed+0|resumed+80|frozen-walk:frozen,+0|frozen-walk:frozen,+60")]
    public async Task Stacks_says_the_target_exited_in_one_line_with_exit_8(string points)
    {
        foreach (var point in points.Split('|'))
        {
            var frozenWalk = point.StartsWith("frozen-walk:", StringComparison.Ordinal);
            var (marker, delay) = FreezeFaultTests.Parse(frozenWalk ? point["frozen-walk:".Length..] : point);
            using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "300");
            using var leakwatch = FreezeFaultTests.StartStacks(app, frozenWalk);
            if (marker == "start" || await FreezeFaultTests.WaitForStderrAsync(leakwatch, marker))
            {
                FreezeFaultTests.SpinFor(delay);
                FreezeFaultTests.Signal(app.Pid, 9);
            }

            var exitCode = await leakwatch.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var said = leakwatch.StandardError.Where(l => !l.StartsWith("leakwatch-trace:", StringComparison.Ordinal)).ToList();
            // 3 only when the kill came before leakwatch even found the target.
            Assert.True(exitCode is 8 or 0 || (exitCode == 3 && marker == "start"), $"target killed at {point}: exit {exitCode}, not 8 (target exited) or 0 (done first)\n{leakwatch.Transcript}");
            if (exitCode is 8 or 3)
            {
                Assert.True(said.Count == 1 && said[0].Contains(exitCode == 8 ? "exited" : "No process", StringComparison.Ordinal), $"at {point}: not one line saying it exited\n{leakwatch.Transcript}");
            }
        }
    }

    [Fact]
    public async Task Attach_logs_a_snapshot_of_a_target_that_died_during_it_and_does_not_crash()
    {
        foreach (var point in new[] { "frozen,+0", "resumed+20" })
        {
            var (marker, delay) = FreezeFaultTests.Parse(point);
            using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "300");
            using var agent = Agent.Start(
                ["attach", "--pid", AgentProbes.Text(app.Pid), "--output", "lines", "--max-pause", "30s", "--snapshot-baseline", "false"],
                new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key, ["LEAKWATCH_TRACE"] = "1" });
            await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
            var request = AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", Key);
            if (await FreezeFaultTests.WaitForStderrAsync(agent.Process, marker))
            {
                FreezeFaultTests.SpinFor(delay);
                FreezeFaultTests.Signal(app.Pid, 9);
            }

            using (var response = await request)
            {
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"at {point}: {response.StatusCode}");
            }

            // A single-target attach ends when its target is gone: cleanly, never with an unhandled exception (134).
            var exitCode = await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var all = agent.Process.StandardOutput.Concat(agent.Process.StandardError).ToList();
            Assert.True(exitCode == 0, $"at {point}: exit {exitCode}\n{agent.Process.Transcript}");
            Assert.DoesNotContain(all, l => l.Contains("Unhandled", StringComparison.Ordinal) || l.Contains("internal error", StringComparison.Ordinal));
        }
    }
}
