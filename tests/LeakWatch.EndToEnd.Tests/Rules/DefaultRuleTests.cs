using System.Diagnostics;
using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace LeakWatch.EndToEnd.Tests.Rules;

/// <summary>
/// The built-in rules against real leaking and healthy processes, with no configuration. The issue's bound is detection
/// within 30 s of the leak's start; the time is measured and reported, and the poll timeout is generous because the
/// machines running these tests are shared.
/// </summary>
public class DefaultRuleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DetectionTimeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("thread-leak", "thread-leak", "process_num_threads", TestApp.Net10)]
    [InlineData("timer-leak", "timer-leak", "dotnet_timer_count", TestApp.Net10)]
    [InlineData("fd-leak", "fd-leak", "process_open_fds", TestApp.Net10)]
    // .NET 8 has no System.Runtime meter: the timer count comes from EventCounters under the same name.
    [InlineData("timer-leak", "timer-leak", "dotnet_timer_count", TestApp.Net8)]
    public async Task Default_rules_detect_a_leak_and_say_so_on_metrics_and_the_terminal(string scenario, string rule, string signal, string runtime)
    {
        using var app = await TestApp.StartAsync(scenario, runtime);
        var leakStarted = Stopwatch.StartNew();
        using var agent = Agent.Attach(app.Pid, "-o", "lines");
        var pid = app.Pid.ToString(CultureInfo.InvariantCulture);

        var suspected = await agent.Metrics.WaitForAsync(
            "leakwatch_leak_suspected", s => s["rule"] == rule && s["pid"] == pid && s.Value == 1, DetectionTimeout);
        output.WriteLine($"{rule} ({runtime}): leakwatch_leak_suspected=1 after {leakStarted.Elapsed.TotalSeconds:0.0} s (bound: 30 s)");

        Assert.Equal(signal, suspected["signal"]);
        Assert.Equal("LeakWatch.TestApp", suspected["process_name"]);
        var triggers = await agent.Metrics.WaitForAsync("leakwatch_rule_triggers_total", s => s["rule"] == rule && s.Value >= 1);
        Assert.Equal(signal, triggers["signal"]);
        var line = await agent.Process.WaitForLineAsync(l => l.StartsWith($"leak suspected: rule '{rule}'", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains(signal, line, StringComparison.Ordinal);
        Assert.Contains("/s over 20s", line, StringComparison.Ordinal);

        // Only the leaking rule fired.
        var others = (await agent.Metrics.ScrapeAsync()).Where(s => s.Name == "leakwatch_rule_triggers_total" && s["rule"] != rule);
        Assert.All(others, s => Assert.Equal(0, s.Value));
    }

    [Fact]
    public async Task Default_task_leak_rule_detects_pending_async_operations_growing()
    {
        using var app = await TestApp.StartAsync("task-leak");
        var leakStarted = Stopwatch.StartNew();
        using var agent = Agent.Attach(app.Pid);

        var suspected = await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["rule"] == "task-leak" && s.Value == 1, DetectionTimeout);
        output.WriteLine($"task-leak: leakwatch_leak_suspected=1 after {leakStarted.Elapsed.TotalSeconds:0.0} s (bound: 30 s)");

        Assert.Equal("leakwatch_async_operations_pending", suspected["signal"]);
    }

    [Fact]
    public async Task A_noisy_but_healthy_process_triggers_nothing()
    {
        var duration = TimeSpan.FromSeconds(60);
        using var app = await TestApp.StartAsync("noisy");
        using var agent = Agent.Attach(app.Pid, "-o", "lines");

        // The rules are running: each shows up at 0 as soon as its series is seen.
        await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["rule"] == "thread-leak");
        await Task.Delay(duration);

        var samples = await agent.Metrics.ScrapeAsync();
        var rules = samples.Where(s => s.Name == "leakwatch_leak_suspected").Select(s => s["rule"]).Distinct().ToList();
        output.WriteLine($"noisy for {duration.TotalSeconds} s; rules watching: {string.Join(", ", rules)}; spikes: {app.Status("spikes")}");
        Assert.Contains("timer-leak", rules);
        Assert.Contains("fd-leak", rules);
        Assert.All(samples.Where(s => s.Name == "leakwatch_rule_triggers_total"), s => Assert.True(s.Value == 0, $"{s["rule"]} fired on {s["signal"]}"));
        Assert.DoesNotContain(agent.Process.StandardOutput, l => l.StartsWith("leak suspected", StringComparison.Ordinal));
        Assert.True(app.Status("spikes") >= 5, "the noisy scenario should have spiked several times");
    }
}
