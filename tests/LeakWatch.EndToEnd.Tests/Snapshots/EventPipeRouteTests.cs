using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>
/// <c>stacks --snapshot-via eventpipe</c> (<c>--via</c> is its deprecated alias): thread stacks sampled over the diagnostic port must group exactly as the ClrMD walk
/// groups them (same frames after normalisation, same counts), so headlines and diffs agree whichever route was taken.
/// </summary>
public class EventPipeRouteTests
{
    [Theory]
    [InlineData("blocked-threads", "--count", "50")]
    [InlineData("await-kinds", "--count", "20")]
    public async Task Thread_groups_of_application_code_equal_the_clrmd_walk_of_the_same_target(string scenario, params string[] arguments)
    {
        using var app = await TestApp.StartAsync(scenario, TestApp.Net10, arguments);

        var sampled = await StacksAsync(app.Pid, "--snapshot-via", "eventpipe");
        var walked = await StacksAsync(app.Pid, "--snapshot-via", "attach");

        Assert.Equal(ApplicationGroups(walked), ApplicationGroups(sampled));
        Assert.Equal(0, sampled.PendingTasks);
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Fact]
    public async Task A_thread_leak_is_named_with_its_count_on_net8_too()
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net8, "--count", "40");

        var sampled = await StacksAsync(app.Pid, "--via", "eventpipe");

        Assert.Equal(40, sampled.ThreadsIn("Orders.AckWaiter.WaitForAck"));
    }

    /// <summary>
    /// The session is stopped as soon as it has started (one sampling pass or a few, docs/snapshots.md): a pass still
    /// walks every managed thread, so a thousand blocked threads are all there.
    /// </summary>
    [Fact]
    public async Task A_sample_stopped_as_soon_as_it_started_still_holds_every_thread_of_a_large_app()
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "1000");

        var sampled = await StacksAsync(app.Pid, "--snapshot-via", "eventpipe");

        Assert.Equal(1000, sampled.ThreadsIn("Orders.AckWaiter.WaitForAck"));
        await TargetChecks.AssertStillRunningAsync(app);
    }

    /// <summary>
    /// Groups with an application frame (namespaces the test app uses), as "count: frames". Runtime threads are left
    /// out: threads with no managed frame at all ([Native]) are not seen by the sample profiler, and P/Invoke frames
    /// (the socket engine's wait) are named by ClrMD but not by the profiler (docs/snapshots.md).
    /// </summary>
    private static List<string> ApplicationGroups(SnapshotJson snapshot) =>
        snapshot.ThreadGroups
            .Where(g => g.Frames.Any(f => f.StartsWith("Orders.", StringComparison.Ordinal) || f.StartsWith("Inventory.", StringComparison.Ordinal)))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count}: {string.Join(" <- ", g.Frames)}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static async Task<SnapshotJson> StacksAsync(int pid, params string[] extra)
    {
        string[] arguments = ["stacks", "--pid", pid.ToString(CultureInfo.InvariantCulture), "--format", "json", "--max-pause", "30s", .. extra];
        var (exitCode, output, error) = await Agent.RunAsync(arguments);
        Assert.True(exitCode == 0, $"leakwatch {string.Join(' ', arguments)} exited {exitCode}: {error}");
        var snapshot = SnapshotJson.Parse(output);
        Assert.False(snapshot.Partial, "the snapshot is partial");
        return snapshot;
    }
}
