using System.Diagnostics;
using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.AsyncOperations;

/// <summary>
/// <c>leakwatch_async_operations_pending{method}</c> against real targets: a task leak climbs at its leak rate, a busy
/// but healthy async workload stays flat, and methods are named by their declaring type.
/// </summary>
public class PendingAsyncOperationsTests
{
    private const string Pending = "leakwatch_async_operations_pending";
    private const string Started = "leakwatch_async_operations_started_total";

    [Fact]
    public async Task A_task_leak_of_40_chains_a_second_reads_40_a_second_in_each_of_its_three_methods()
    {
        using var app = await TestApp.StartAsync("task-leak", TestApp.Net10, "--rate", "40");
        using var agent = Agent.Attach(app.Pid, "--output", "lines");
        string[] methods = ["Payments.Gateway.AwaitSettlementAsync", "Payments.Gateway.AuthorizeAsync", "Payments.Gateway.ChargeAsync"];

        // The series appear within seconds of attach (the ten seconds of the issue, with room for a slow machine);
        // each method's first operation is published in its own round, so wait for all three.
        foreach (var method in methods)
        {
            await agent.Metrics.WaitForAsync(Pending, s => s["method"] == method && s.Value > 0);
        }

        var rates = await MeasureRatesAsync(agent, methods, TimeSpan.FromSeconds(6));
        foreach (var method in methods)
        {
            Assert.InRange(rates[method], 32, 48); // 40/s within 20 %
        }
    }

    [Fact]
    public async Task A_steady_async_workload_stays_flat()
    {
        using var app = await TestApp.StartAsync("async-load", TestApp.Net10, "--rate", "5000");
        using var agent = Agent.Attach(app.Pid, "--output", "lines");
        const string method = "Catalog.Search.QueryAsync";
        var first = await agent.Metrics.WaitForAsync(Started, s => s["method"] == method && s.Value > 1000);

        var highest = 0.0;
        for (var i = 0; i < 12; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var samples = await agent.Metrics.ScrapeAsync();
            highest = Math.Max(highest, samples.Single(s => s.Name == Pending && s["method"] == method).Value);
        }

        var last = (await agent.Metrics.ScrapeAsync()).Single(s => s.Name == Started && s["method"] == method);
        Assert.True(last.Value > first.Value + 5000, $"QueryAsync kept starting: {first.Value} then {last.Value}");
        Assert.True(highest <= 200, $"pending QueryAsync stayed near zero while 5000/s completed; it reached {highest}");
        Assert.Equal(0, (await agent.Metrics.ScrapeAsync()).Single(s => s.Name == "leakwatch_async_operations_resets_total" && s["reason"] == "events_lost").Value);
    }

    [Fact]
    public async Task Two_leaking_methods_with_the_same_name_in_different_types_are_told_apart()
    {
        using var app = await TestApp.StartAsync("async-leak-dup", TestApp.Net10, "--rate", "10");
        using var agent = Agent.Attach(app.Pid, "--output", "lines", "--snapshot-baseline", "false"); // rates: no baseline pause in the window
        string[] methods = ["Billing.Invoices.DupAsync", "Shipping.Labels.DupAsync"];

        // Both state machines are <DupAsync>d__1, which the runtime's event does not qualify: the stacks of new
        // operations tell them apart (docs/async-operations.md, "Same-named methods").
        foreach (var method in methods)
        {
            await agent.Metrics.WaitForAsync(Pending, s => s["method"] == method && s.Value > 0);
        }

        var rates = await MeasureRatesAsync(agent, methods, TimeSpan.FromSeconds(6));
        foreach (var method in methods)
        {
            Assert.InRange(rates[method], 8, 12); // 10/s each, within 20 %
        }

        Assert.Contains(agent.Process.StandardOutput, line => line.StartsWith("Telling apart same-named async methods", StringComparison.Ordinal));
    }

    private static async Task<Dictionary<string, double>> MeasureRatesAsync(Agent agent, IReadOnlyList<string> methods, TimeSpan window)
    {
        var before = await PendingAsync(agent, methods);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var after = await PendingAsync(agent, methods);
        var seconds = clock.Elapsed.TotalSeconds;
        return methods.ToDictionary(m => m, m => (after[m] - before[m]) / seconds);
    }

    private static async Task<Dictionary<string, double>> PendingAsync(Agent agent, IReadOnlyList<string> methods)
    {
        var samples = await agent.Metrics.ScrapeAsync();
        return methods.ToDictionary(
            m => m,
            m => samples.SingleOrDefault(s => s.Name == Pending && s["method"] == m)?.Value
                 ?? throw new InvalidOperationException($"no {Pending}{{method=\"{m}\"}} in {string.Join(", ", samples.Where(s => s.Name == Pending).Select(s => s["method"] + "=" + s.Value.ToString(CultureInfo.InvariantCulture)))}"));
    }
}
