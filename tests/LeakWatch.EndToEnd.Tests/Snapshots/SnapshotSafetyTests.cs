using System.Diagnostics;
using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>The target is never left suspended: not when leakwatch gets SIGTERM or Ctrl+C mid-walk, not when it is killed.</summary>
public class SnapshotSafetyTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("KILL")]
    public async Task A_signal_to_leakwatch_during_the_pause_leaves_the_target_running(string signal)
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "1000");
        using var leakwatch = new ProcessRunner(
            "dotnet",
            [RepoPaths.AgentDll, "stacks", "--pid", StacksCommandTests.Pid(app), "--format", "json", "--max-pause", "30s"],
            new Dictionary<string, string> { ["LEAKWATCH_TRACE"] = "1" });

        // "attached" is printed once the target is suspended; the walk of 1 000 threads takes longer than this signal.
        await Eventually.TrueAsync(
            () => Task.FromResult(leakwatch.StandardError.Any(l => l.Contains("ms attached", StringComparison.Ordinal)) || leakwatch.HasExited),
            Eventually.DefaultTimeout,
            () => "leakwatch never attached");
        using (var kill = Process.Start("kill", [$"-{signal}", leakwatch.Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        var exitCode = await leakwatch.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(1, exitCode); // never an internal error
        Assert.DoesNotContain(leakwatch.StandardError, l => l.Contains("internal error", StringComparison.Ordinal));
        await TargetChecks.AssertStillRunningAsync(app);
    }
}
