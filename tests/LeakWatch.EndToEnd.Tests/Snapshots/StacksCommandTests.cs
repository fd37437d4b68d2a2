using System.Globalization;
using System.Text.Json;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary><c>leakwatch stacks</c> against test-app targets with known thread and task leaks.</summary>
public class StacksCommandTests
{
    private const int Count = 20;

    [Theory]
    [InlineData("attach")]
    [InlineData("dump")]
    public async Task Every_kind_of_await_and_of_blocked_thread_is_named_with_its_count(string via)
    {
        using var app = await TestApp.StartAsync("await-kinds", TestApp.Net10, "--count", Count.ToString(CultureInfo.InvariantCulture));

        var snapshot = await StacksJsonAsync(app.Pid, "--via", via);

        Assert.Equal(app.Pid, snapshot.Pid);
        Assert.Equal(Count, snapshot.ThreadsIn("Inventory.Locks.WaitForLock"));
        Assert.Equal(Count, snapshot.ThreadsIn("Inventory.Locks.WaitForSignal"));
        Assert.Equal(Count, snapshot.ChainsAwaiting("TaskCompletionSource.Task", "Inventory.Reservations.WaitForStockAsync"));
        Assert.Equal(Count, snapshot.ChainsAwaiting("SemaphoreSlim.WaitAsync", "Inventory.Locks.AcquireAsync"));
        Assert.Equal(Count, snapshot.ChainsAwaiting("Channel.ReadAsync", "Inventory.Events.NextEventAsync"));
        Assert.Equal(Count, snapshot.ChainsAwaiting("Task.Delay", "Inventory.Scheduler.SleepForeverAsync"));
        Assert.Equal(Count, snapshot.ChainsAwaiting("Socket I/O (Socket/NetworkStream)", "Inventory.Feed.ReadFeedAsync"));
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Theory]
    [InlineData(TestApp.Net10)]
    [InlineData(TestApp.Net8)]
    public async Task Blocked_threads_and_async_chains_are_one_group_each_largest_first(string runtime)
    {
        using var app = await TestApp.StartAsync("blocked-threads", runtime, "--count", "100");

        var snapshot = await StacksJsonAsync(app.Pid);

        // Threads that ran at different JIT tiers still make one group.
        var (threads, frames) = snapshot.ThreadGroups[0];
        Assert.Equal(100, threads);
        Assert.Equal(["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"], frames);
        var (chains, chain) = snapshot.TaskGroups[0];
        Assert.Equal(1000, chains);
        Assert.Equal(
            ["TaskCompletionSource.Task", "Payments.Gateway.AwaitSettlementAsync", "Payments.Gateway.AuthorizeAsync", "Payments.Gateway.ChargeAsync"],
            chain.Select(c => c.Split(" (state", StringSplitOptions.None)[0]));
        Assert.True(snapshot.PendingTasks >= 1000);
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Fact]
    public async Task A_growing_thread_leak_is_counted_between_the_status_before_and_after()
    {
        using var app = await TestApp.StartAsync("thread-leak", TestApp.Net10, "--rate", "20");
        await Eventually.TrueAsync(() => Task.FromResult(app.Status("leaked_threads") >= 40), Eventually.DefaultTimeout, () => "the leak did not grow");
        var before = app.Status("leaked_threads")!.Value;

        var snapshot = await StacksJsonAsync(app.Pid);

        // STATUS lines come once a second: the first one printed after the snapshot is an upper bound.
        var statusLines = app.Process.StandardOutput.Count(l => l.StartsWith("STATUS", StringComparison.Ordinal));
        await Eventually.TrueAsync(
            () => Task.FromResult(app.Process.StandardOutput.Count(l => l.StartsWith("STATUS", StringComparison.Ordinal)) > statusLines),
            Eventually.DefaultTimeout,
            () => "no STATUS line after the snapshot");
        var after = app.Status("leaked_threads")!.Value;
        var counted = snapshot.ThreadsIn("Orders.AckWaiter.WaitForAck");
        Assert.InRange(counted, before - 2, after);
        Assert.Contains("Orders.AckWaiter.WaitForAck", snapshot.ThreadGroups[0].Frames);
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Fact]
    public async Task Text_folded_and_speedscope_name_the_leak()
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "50");

        var text = await RunOkAsync("stacks", "--pid", Pid(app), "--max-pause", "30s");
        Assert.Matches(@"50  Orders\.AckWaiter\.WaitForAck \(AckWaiter\.cs:\d+\)", text);
        // Each suspended method with the line of the await it is parked at (from the PDB's async stepping table):
        // AuthorizeAsync's first await has completed, so it waits at its second, in state 1.
        var gateway = File.ReadAllLines(Path.Combine(RepoPaths.TestAppProject, "Domain", "Payments", "Gateway.cs"));
        int LineOf(string code) => Array.FindIndex(gateway, l => l.Contains(code, StringComparison.Ordinal)) + 1;
        Assert.Contains($"500  Payments.Gateway.AwaitSettlementAsync (Gateway.cs:{LineOf("return await settled.Task")}) awaiting TaskCompletionSource.Task", text, StringComparison.Ordinal);
        Assert.Contains($"Payments.Gateway.AuthorizeAsync (state 1) (Gateway.cs:{LineOf("var settlement = await AwaitSettlementAsync")})", text, StringComparison.Ordinal);
        Assert.Contains($"Payments.Gateway.ChargeAsync (state 0) (Gateway.cs:{LineOf("var authorization = await AuthorizeAsync")})", text, StringComparison.Ordinal);

        var folded = (await RunOkAsync("stacks", "--pid", Pid(app), "--format", "folded", "--max-pause", "30s")).Split('\n');
        Assert.Contains("[threads];Orders.AckWaiter.WaitForAck;System.Threading.ManualResetEventSlim.Wait 50", folded);
        Assert.Contains(folded, l => l.StartsWith("[tasks];Payments.Gateway.ChargeAsync", StringComparison.Ordinal) && l.EndsWith(";TaskCompletionSource.Task 500", StringComparison.Ordinal));

        var file = Path.Combine(Path.GetTempPath(), $"leakwatch-e2e-{Guid.NewGuid():N}.speedscope.json");
        try
        {
            await RunOkAsync("stacks", "--pid", Pid(app), "--format", "speedscope", "--max-pause", "30s", "--output", file);
            using var speedscope = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            Assert.Equal("https://www.speedscope.app/file-format-schema.json", speedscope.RootElement.GetProperty("$schema").GetString());
            Assert.Equal(2, speedscope.RootElement.GetProperty("profiles").GetArrayLength());
        }
        finally
        {
            File.Delete(file);
        }

        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Fact]
    public async Task A_tiny_pause_budget_gives_a_partial_snapshot_and_a_running_target()
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "300");

        // The frozen walk (--copy-budget 0) is what --max-pause cuts short; the capture route walks after the resume.
        var (exitCode, output, error) = await Agent.RunAsync("stacks", "--pid", Pid(app), "--format", "json", "--max-pause", "10ms", "--copy-budget", "0");

        Assert.Equal(0, exitCode);
        var snapshot = SnapshotJson.Parse(output);
        Assert.True(snapshot.Partial);
        Assert.Contains("partial", error, StringComparison.Ordinal);
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Fact]
    public async Task A_target_that_exits_during_snapshots_ends_with_a_clear_message()
    {
        using var app = await TestApp.StartAsync("exit-soon", TestApp.Net10, "--exit-after", "2");
        var pid = Pid(app);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var (exitCode, _, error) = await Agent.RunAsync("stacks", "--pid", pid, "--format", "json");
            if (exitCode == 0)
            {
                continue;
            }

            Assert.True(exitCode is 3 or 8, $"exit code {exitCode}: {error}");
            Assert.StartsWith("leakwatch: ", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Matches("exited|No process has pid", error);
            return;
        }

        Assert.Fail("the target never went away");
    }

    [Fact]
    public async Task Processes_that_are_not_dotnet_or_do_not_exist_are_refused_clearly()
    {
        using var sleeper = new ProcessRunner("sleep", ["60"]);
        var (notDotnet, _, error) = await Agent.RunAsync("stacks", "--pid", sleeper.Pid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(4, notDotnet);
        Assert.StartsWith("leakwatch: ", error, StringComparison.Ordinal);

        var (missing, _, _) = await Agent.RunAsync("stacks", "--pid", "999999999");
        Assert.Equal(3, missing);
    }

    internal static string Pid(TestApp app) => app.Pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A complete snapshot as JSON. The pause budget is raised: this machine is shared and loaded, and a budget
    /// spent would make a partial snapshot (tested on its own below), not a wrong one.
    /// </summary>
    private static async Task<SnapshotJson> StacksJsonAsync(int pid, params string[] extra)
    {
        var snapshot = SnapshotJson.Parse(await RunOkAsync(["stacks", "--pid", pid.ToString(CultureInfo.InvariantCulture), "--format", "json", "--max-pause", "30s", .. extra]));
        Assert.False(snapshot.Partial, "the snapshot is partial");
        return snapshot;
    }

    private static async Task<string> RunOkAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await Agent.RunAsync(arguments);
        Assert.True(exitCode == 0, $"leakwatch {string.Join(' ', arguments)} exited {exitCode}: {error}");
        return output;
    }
}
