using System.Text.Json;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>
/// The capture route (frozen only to copy, walked with the target running) finds what the frozen walk finds, falls
/// back to the frozen walk and says so when the copy would not fit the budget, and holds while threads come and go.
/// </summary>
public class CaptureRouteTests
{
    [Fact]
    public async Task The_capture_and_the_frozen_walk_give_the_same_groups_and_an_over_budget_heap_is_walked_frozen()
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "200", "--chains", "3000", "--heap-mib", "20");
        var captured = await StacksJsonAsync(app);
        var frozen = await StacksJsonAsync(app, "--copy-budget", "0");
        var overBudget = await StacksJsonAsync(app, "--copy-budget", "4MiB");

        Assert.Equal("capture", captured.GetProperty("route").GetString());
        Assert.True(captured.GetProperty("copiedBytes").GetInt64() > 20L << 20);
        Assert.Equal("frozen", frozen.GetProperty("route").GetString());
        Assert.Equal("frozen", overBudget.GetProperty("route").GetString());
        Assert.Contains("over the copy budget of 4 MiB (--copy-budget)", overBudget.GetProperty("routeNote").GetString(), StringComparison.Ordinal);

        foreach (var other in new[] { frozen, overBudget })
        {
            Assert.Equal(Groups(captured, "threads", "frames"), Groups(other, "threads", "frames"));
            Assert.Equal(Groups(captured, "tasks", "chain"), Groups(other, "tasks", "chain"));
            Assert.Equal(captured.GetProperty("tasks").GetProperty("pending").GetInt32(), other.GetProperty("tasks").GetProperty("pending").GetInt32());
        }

        var parsed = SnapshotJson.Parse(captured.GetRawText());
        Assert.Equal(200, parsed.ThreadsIn("Orders.AckWaiter.WaitForAck"));
        Assert.Equal(3000, parsed.ChainsAwaiting("TaskCompletionSource.Task", "Payments.Gateway.AwaitSettlementAsync"));
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Fact]
    public async Task The_auto_budget_copies_on_a_host_with_room_and_walks_frozen_under_a_tight_container_limit()
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "50", "--chains", "1000", "--heap-mib", "80");
        var onHost = await StacksJsonAsync(app);
        using var cgroup = MemoryCgroup.Create(160L << 20);
        var (exitCode, stdout, stderr) = await Agent.RunWrappedAsync(cgroup.Wrapper, "stacks", "--pid", StacksCommandTests.Pid(app), "--format", "json", "--max-pause", "30s");
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        var limited = JsonDocument.Parse(stdout).RootElement;

        Assert.Equal("capture", onHost.GetProperty("route").GetString());
        Assert.Equal("frozen", limited.GetProperty("route").GetString());
        Assert.Contains("(auto: the agent's 160 MiB memory limit less", limited.GetProperty("routeNote").GetString(), StringComparison.Ordinal);
        Assert.Equal(Groups(onHost, "threads", "frames"), Groups(limited, "threads", "frames"));
        Assert.Equal(Groups(onHost, "tasks", "chain"), Groups(limited, "tasks", "chain"));
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Theory]
    [InlineData("thread-leak", "--rate", "100")]
    [InlineData("noisy")]
    public async Task Threads_created_and_ended_while_the_copy_is_walked_do_not_disturb_it(string scenario, params string[] arguments)
    {
        using var app = await TestApp.StartAsync(scenario, TestApp.Net10, arguments);
        for (var i = 0; i < 3; i++)
        {
            var snapshot = await StacksJsonAsync(app);
            Assert.Equal("capture", snapshot.GetProperty("route").GetString());
            Assert.False(snapshot.GetProperty("partial").GetBoolean());
            Assert.True(snapshot.GetProperty("threads").GetProperty("total").GetInt32() > 0);
        }

        await TargetChecks.AssertStillRunningAsync(app);
    }

    private static async Task<JsonElement> StacksJsonAsync(TestApp app, params string[] extra)
    {
        var (exitCode, stdout, stderr) = await Agent.RunAsync(["stacks", "--pid", StacksCommandTests.Pid(app), "--format", "json", "--max-pause", "30s", .. extra]);
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    /// <summary>Groups as comparable text, without the meter and runtime threads that may be caught busy in one look and idle in the next.</summary>
    private static List<string> Groups(JsonElement snapshot, string section, string field) =>
        snapshot.GetProperty(section).GetProperty("groups").EnumerateArray()
            .Select(g => $"{g.GetProperty("count").GetInt32()} {string.Join(" < ", g.GetProperty(field).EnumerateArray().Select(f => f.GetString()))}")
            .Where(g => !g.Contains("PortableThreadPool", StringComparison.Ordinal) && !g.Contains("[Native]", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
}
