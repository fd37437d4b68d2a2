using System.Globalization;
using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Sidecar;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>Snapshot files are private (0600 in a 0700 directory) and whole: a full disk leaves nothing behind, is counted, and the next snapshot is written once there is room.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SnapshotFileTests
{
    private const string Key = "e2e-key-files-5a8e3c1d";

    [Fact]
    public async Task Files_are_owner_only_and_a_full_disk_leaves_no_partial_file()
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "50");
        var directory = Path.Combine(Path.GetTempPath(), $"leakwatch-e2e-full-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            // No baseline: the manual snapshots below must not meet one in flight (429). The agent in its own mount namespace, with a 64 KiB tmpfs on the directory, filled up before it starts.
            var snapshots = Path.Combine(directory, "snapshots");
            var script = $"mount -t tmpfs -o size=64k tmpfs '{directory}' && (dd if=/dev/zero of='{directory}/filler' bs=4k count=64 2>/dev/null; true) && exec \"$@\"";
            using var agent = Agent.StartWrapped(
                ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"],
                ["attach", "--pid", AgentProbes.Text(app.Pid), "--snapshot-dir", snapshots, "--output", "lines", "--max-pause", "30s", "--snapshot-baseline", "false"],
                new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key });
            await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
            var inside = $"/proc/{agent.Process.Pid.ToString(CultureInfo.InvariantCulture)}/root{snapshots}";

            using (var full = await AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", Key))
            {
                Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
                Assert.Contains("Cannot write snapshots", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.Empty(Directory.GetFiles(inside)); // no 0-byte or cut report, no temporary file
            await agent.Metrics.WaitForAsync("leakwatch_snapshot_write_failures_total", s => s["reason"] == "manual" && s.Value == 1);

            File.Delete($"/proc/{agent.Process.Pid.ToString(CultureInfo.InvariantCulture)}/root{directory}/filler");
            using (var room = await AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", Key))
            {
                Assert.True(room.StatusCode == HttpStatusCode.OK, await room.Content.ReadAsStringAsync());
            }

            var files = Directory.GetFiles(inside);
            Assert.Equal(3, files.Length);
            Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
            Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0, f));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(inside));
            await TargetChecks.AssertStillRunningAsync(app);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
