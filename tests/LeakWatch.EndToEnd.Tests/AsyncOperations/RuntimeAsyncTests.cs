using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Snapshots;

namespace LeakWatch.EndToEnd.Tests.AsyncOperations;

/// <summary>
/// A task leak compiled with runtime async (tests/TestApps/LeakWatch.RuntimeAsyncApp, run with DOTNET_RuntimeAsync=1
/// on .NET 10): no state machines and no TraceOperationBegin, only Continuation objects on the heap and
/// TaskWaitBegin events. The snapshot names the chains like state-machine chains (docs/snapshots.md, "Runtime async").
/// </summary>
public class RuntimeAsyncTests
{
    private const string Leaking = "Payments.SettlementGateway.AwaitSettlementAsync";

    [Fact]
    public async Task Stacks_groups_the_runtime_async_chains_under_the_method_that_awaits_the_never_completed_source()
    {
        using var app = await TestApp.StartRuntimeAsyncAsync("--rate", "50");
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
        // Each chain is two pending tasks: the method's ThunkTask and the TaskCompletionSource's task.
        Assert.True(snapshot.PendingTasks >= 2 * count, $"{snapshot.PendingTasks} pending tasks for {count} chains");
        await TargetChecks.AssertStillRunningAsync(app);
    }
}
