using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>"The target keeps running after every snapshot": not stopped or traced, and still printing STATUS lines.</summary>
public static class TargetChecks
{
    public static async Task AssertStillRunningAsync(TestApp app)
    {
        Assert.True(app.IsRunning, "the target exited after the snapshot");
        var state = File.ReadLines($"/proc/{app.Pid.ToString(CultureInfo.InvariantCulture)}/status").First(l => l.StartsWith("State:", StringComparison.Ordinal));
        Assert.DoesNotContain("(stopped)", state, StringComparison.Ordinal);
        Assert.DoesNotContain("tracing stop", state, StringComparison.Ordinal);
        var seen = app.Process.StandardOutput.Count(l => l.StartsWith("STATUS", StringComparison.Ordinal));
        await Eventually.TrueAsync(
            () => Task.FromResult(app.Process.StandardOutput.Count(l => l.StartsWith("STATUS", StringComparison.Ordinal)) > seen),
            TimeSpan.FromSeconds(30),
            () => "the target printed no STATUS line after the snapshot: it is not running");
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), $"leakwatch-{app.Pid.ToString(CultureInfo.InvariantCulture)}-*.dmp"));
    }
}
