using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.AsyncOperations;

/// <summary>The async signal says when its counts cannot be trusted: lost events, runtimes that cannot provide it, opting out.</summary>
public class AsyncSignalHonestyTests
{
    [Fact]
    public async Task Lost_events_are_reported_and_the_signal_backs_off_instead_of_showing_wrong_counts()
    {
        // A 1 MB buffer (hidden option) cannot hold 100 000 operations/s: the target drops events.
        using var app = await TestApp.StartAsync("async-load", TestApp.Net10, "--rate", "100000");
        using var agent = Agent.Attach(app.Pid, "--output", "lines", "--async-ops-buffer-mb", "1");

        await Eventually.TrueAsync(
            () => Task.FromResult(agent.Process.StandardOutput.Any(l => l.Contains("async events", StringComparison.Ordinal) && l.Contains("restarted", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60),
            () => "no lost-events line: " + agent.Process.Transcript);
        var errors = await agent.Metrics.WaitForAsync("leakwatch_agent_errors_total", s => s["kind"] == "async_events_lost");
        Assert.True(errors.Value >= 1);

        await Eventually.TrueAsync(
            () => Task.FromResult(agent.Process.StandardOutput.Any(l => l.StartsWith("Async operation counts stopped", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(90),
            () => "no back-off line: " + agent.Process.Transcript);
        await Eventually.TrueAsync(
            async () => !(await agent.Metrics.ScrapeAsync()).Any(s => s.Name == "leakwatch_async_operations_pending"),
            TimeSpan.FromSeconds(30),
            () => "pending series still exported after the back-off");
    }

    [Fact]
    public async Task A_baseline_snapshot_recalibrates_the_count_to_include_operations_from_before_attach()
    {
        using var app = await TestApp.StartAsync("task-leak", TestApp.Net10, "--rate", "40");
        await Eventually.TrueAsync(() => Task.FromResult(app.Status("leaked_tasks") >= 200), TimeSpan.FromSeconds(60), () => app.Process.Transcript);
        var leakedBeforeAttach = app.Status("leaked_tasks")!.Value;

        using var agent = Agent.Attach(app.Pid, "--output", "lines", "--snapshot-baseline");

        // Without the snapshot the count would start near zero; with it, it starts from everything already pending.
        // The live count may be exported before the baseline snapshot is done, so read it once the recalibration is said.
        await Eventually.TrueAsync(
            () => Task.FromResult(agent.Process.StandardOutput.Any(line => line.StartsWith("Async operation counts recalibrated from the snapshot", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60),
            () => "no recalibration line: " + agent.Process.Transcript);
        // The recalibrated count reaches /metrics at the next publish after that line, so poll rather than read once.
        // Recalibrated, it follows everything the app leaked (its own count, within a second or two of leaking);
        // without the baseline it would stay behind by the chains leaked before attach, however long it runs.
        var tolerance = leakedBeforeAttach / 2;
        await agent.Metrics.WaitForAsync(
            "leakwatch_async_operations_pending",
            s => s["method"] == "Payments.Gateway.AwaitSettlementAsync" && s.Value >= app.Status("leaked_tasks")!.Value - tolerance,
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task On_a_dotnet_8_target_the_signal_is_absent_and_a_line_says_why()
    {
        using var app = await TestApp.StartAsync("task-leak", TestApp.Net8);
        using var agent = Agent.Attach(app.Pid, "--output", "lines");

        await agent.Metrics.WaitForAsync("process_num_threads");
        await Eventually.TrueAsync(
            () => Task.FromResult(agent.Process.StandardOutput.Any(l => l.StartsWith("Async operation counts are not available for .NET 8", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30),
            () => agent.Process.Transcript);
        Assert.DoesNotContain(await agent.Metrics.ScrapeAsync(), s => s.Name.StartsWith("leakwatch_async_operations_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Async_ops_off_exports_no_async_series()
    {
        using var app = await TestApp.StartAsync("task-leak");
        using var agent = Agent.Attach(app.Pid, "--output", "lines", "--async-ops", "off");

        await agent.Metrics.WaitForAsync("dotnet_thread_pool_thread_count");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.DoesNotContain(await agent.Metrics.ScrapeAsync(), s => s.Name.StartsWith("leakwatch_async_operations_", StringComparison.Ordinal));
    }
}
