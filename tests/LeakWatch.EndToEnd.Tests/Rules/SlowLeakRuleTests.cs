using System.Diagnostics;
using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace LeakWatch.EndToEnd.Tests.Rules;

/// <summary>
/// Leaks the 20 s windows cannot see, against real processes with no configuration: a thread leak under the short
/// floor (found by the 5-minute span), a heap leak through a static event (heap-leak, on the retained heap) and async
/// work the GC drops (async-dropped, from IncompleteAsyncMethod, with keyword 0x100 switched on). Each takes minutes by design; the 20-minute spans are
/// proven by the rule tables (tests/LeakWatch.Core.Tests/Rules) and tests/Soak/detection-latency.sh.
/// </summary>
public class SlowLeakRuleTests(ITestOutputHelper output)
{
    /// <summary>The 5-minute span needs 4.5 minutes of samples; the rest is room for a shared machine.</summary>
    private static readonly TimeSpan SlowTimeout = TimeSpan.FromMinutes(8);

    [Theory]
    // 0.5 threads/s: half the 20 s floor, five times the 5-minute one.
    [InlineData("slow-thread-leak", "thread-leak", "process_num_threads", "0.5", "5m")]
    [InlineData("heap-leak", "heap-leak", "leakwatch_gc_heap_retained_bytes", "25", "5m")]
    public async Task A_slow_leak_fires_its_long_span(string scenario, string rule, string signal, string rate, string span)
    {
        using var app = await TestApp.StartAsync(scenario, TestApp.Net10, "--rate", rate);
        var leakStarted = Stopwatch.StartNew();
        using var agent = Agent.Attach(app.Pid, "-o", "lines");
        var pid = app.Pid.ToString(CultureInfo.InvariantCulture);

        var suspected = await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["rule"] == rule && s["pid"] == pid && s.Value == 1, SlowTimeout);
        output.WriteLine($"{scenario} --rate {rate}: {rule} suspected after {leakStarted.Elapsed.TotalSeconds:0} s");

        Assert.Equal(signal, suspected["signal"]);
        var line = await agent.Process.WaitForLineAsync(l => l.StartsWith($"leak suspected: rule '{rule}'", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains($"/s over {span}", line, StringComparison.Ordinal);
        var others = (await agent.Metrics.ScrapeAsync()).Where(s => s.Name == "leakwatch_rule_triggers_total" && s["rule"] != rule);
        Assert.All(others, s => Assert.True(s.Value == 0, $"{s["rule"]} fired on {s["signal"]}"));
    }

    [Fact]
    public async Task Async_methods_the_gc_drops_are_counted_by_method_and_fire_async_dropped()
    {
        using var app = await TestApp.StartAsync("dropped-async");
        var leakStarted = Stopwatch.StartNew();
        // Keyword 0x100 is off by default (its cost, docs/benchmarks.md): the async-dropped rule reads what it reports.
        using var agent = Agent.Attach(app.Pid, "-o", "lines", "--async-ops-track-collected", "true");

        await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["rule"] == "async-dropped" && s.Value == 1, TimeSpan.FromMinutes(4));
        output.WriteLine($"dropped-async: async-dropped suspected after {leakStarted.Elapsed.TotalSeconds:0} s");

        var samples = await agent.Metrics.ScrapeAsync();
        var dropped = samples.Where(s => s.Name == "leakwatch_async_operations_dropped_total").ToDictionary(s => s["method"]!, s => s.Value);
        Assert.True(dropped.GetValueOrDefault("Notifications.WebhookDelivery.DeliverAsync") > 100, string.Join(", ", dropped));
        Assert.True(dropped.GetValueOrDefault("Notifications.WebhookDelivery.AwaitReceiptAsync") > 100, string.Join(", ", dropped));
        // Dropped ones leave the pending count: what is left is what began since the latest collection.
        var pending = samples.Single(s => s.Name == "leakwatch_async_operations_pending" && s["method"] == "Notifications.WebhookDelivery.DeliverAsync").Value;
        Assert.True(pending < dropped["Notifications.WebhookDelivery.DeliverAsync"] / 4, $"pending {pending}");
        Assert.Equal(0, app.Status("finished") ?? 0);
        var line = await agent.Process.WaitForLineAsync(l => l.Contains("dropped async methods (collected unfinished):", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        Assert.Contains("Notifications.WebhookDelivery.DeliverAsync", line, StringComparison.Ordinal);
    }
}
