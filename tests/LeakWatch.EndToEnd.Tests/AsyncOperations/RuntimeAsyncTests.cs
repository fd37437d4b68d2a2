using System.Diagnostics;
using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Snapshots;

namespace LeakWatch.EndToEnd.Tests.AsyncOperations;

/// <summary>
/// A task leak compiled with runtime async (tests/TestApps/LeakWatch.RuntimeAsyncApp, run with DOTNET_RuntimeAsync=1
/// on .NET 10): no state machines and no TraceOperationBegin, only Continuation objects on the heap and
/// TaskWaitBegin events. The snapshot names the chains like state-machine chains (docs/snapshots.md, "Runtime async").
/// </summary>
public class RuntimeAsyncTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Leaking = "Payments.SettlementGateway.AwaitSettlementAsync";
    private const string Pending = "leakwatch_async_operations_pending";
    private const string RuntimeAsync = "[runtime-async]";
    private static readonly TimeSpan DetectionTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Attach_counts_the_pending_runtime_async_chains_and_the_default_task_leak_rule_fires()
    {
        using var app = await TestApp.StartRuntimeAsyncAsync("--rate", "20");
        var leakStarted = Stopwatch.StartNew();
        using var agent = Agent.Attach(app.Pid, "-o", "lines");

        var first = await agent.Metrics.WaitForAsync(Pending, s => s["method"] == RuntimeAsync && s.Value > 0);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(6));
        var later = (await agent.Metrics.ScrapeAsync()).Single(s => s.Name == Pending && s["method"] == RuntimeAsync);
        var rate = (later.Value - first.Value) / clock.Elapsed.TotalSeconds;
        Assert.InRange(rate, 16, 24); // one wait per chain: 20/s within 20 %

        var suspected = await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["rule"] == "task-leak" && s.Value == 1, DetectionTimeout);
        output.WriteLine($"runtime-async task-leak: {rate:0.0} waits/s, leakwatch_leak_suspected=1 after {leakStarted.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Pending, suspected["signal"]);
        Assert.Contains(agent.Process.StandardOutput, l => l.StartsWith("This process runs runtime-async code", StringComparison.Ordinal));
        // The trigger's snapshot names the method the live count cannot.
        await agent.Process.WaitForLineAsync(l => l.Contains($"tasks in {Leaking} awaiting TaskCompletionSource.Task", StringComparison.Ordinal), DetectionTimeout);
    }

    [Fact]
    public async Task Stacks_groups_the_runtime_async_chains_under_the_method_that_awaits_the_never_completed_source()
    {
        using var app = await TestApp.StartRuntimeAsyncAsync("--rate", "50", "--blocked-threads", "3");
        await Eventually.TrueAsync(() => Task.FromResult(app.Status("leaked_tasks") >= 200), Eventually.DefaultTimeout, () => "the leak did not grow");
        var before = app.Status("leaked_tasks")!.Value;

        var (exitCode, output, error) = await Agent.RunAsync(["stacks", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture), "--format", "json", "--max-pause", "30s"]);
        Assert.True(exitCode == 0, $"leakwatch stacks exited {exitCode}: {error}");
        var snapshot = SnapshotJson.Parse(output);

        Assert.False(snapshot.Partial, "the snapshot is partial");
        var (count, chain) = snapshot.TaskGroups[0];
        Assert.Equal(
            ["TaskCompletionSource.Task", $"{Leaking} (state 0)", "Payments.SettlementGateway.AuthorizeAsync (state 0)", "Payments.SettlementGateway.ChargeAsync (state 0)"],
            chain);
        Assert.True(count >= before, $"{count} chains grouped, {before} leaked before the snapshot");
        Assert.Equal(count, snapshot.ChainsAwaiting("TaskCompletionSource.Task", Leaking));
        // Threads blocked inside a runtime-async method are named too (the DAC would crash the agent on that name).
        Assert.Equal(3, snapshot.ThreadsIn("Payments.LedgerWriter.FlushAsync"));
        // Each chain is two pending tasks: the method's ThunkTask and the TaskCompletionSource's task.
        Assert.True(snapshot.PendingTasks >= 2 * count, $"{snapshot.PendingTasks} pending tasks for {count} chains");
        await TargetChecks.AssertStillRunningAsync(app);
    }
}
