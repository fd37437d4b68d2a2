using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>"The target keeps running after every snapshot": not stopped or traced, and still printing STATUS lines.</summary>
public static class TargetChecks
{
    public static async Task AssertStillRunningAsync(TestApp app)
    {
        Assert.True(app.IsRunning, "the target exited after the snapshot");
        // After a SIGKILLed analyser the kernel detaches the target within a second or two: poll, do not sample once.
        await Eventually.TrueAsync(
            () => Task.FromResult(!IsStopped(app.Pid)),
            TimeSpan.FromSeconds(30),
            () => $"the target is still stopped: {State(app.Pid)}");
        var seen = app.Process.StandardOutput.Count(l => l.StartsWith("STATUS", StringComparison.Ordinal));
        await Eventually.TrueAsync(
            () => Task.FromResult(app.Process.StandardOutput.Count(l => l.StartsWith("STATUS", StringComparison.Ordinal)) > seen),
            TimeSpan.FromSeconds(30),
            () => "the target printed no STATUS line after the snapshot: it is not running");
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), $"leakwatch-{app.Pid.ToString(CultureInfo.InvariantCulture)}-*.dmp"));
    }

    private static string State(int pid) =>
        File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").First(l => l.StartsWith("State:", StringComparison.Ordinal));

    private static bool IsStopped(int pid)
    {
        var state = State(pid);
        return state.Contains("(stopped)", StringComparison.Ordinal) || state.Contains("tracing stop", StringComparison.Ordinal);
    }
}
