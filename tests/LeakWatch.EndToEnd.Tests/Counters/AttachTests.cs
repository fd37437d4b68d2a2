using System.Globalization;
using System.Text.Json;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Counters;

/// <summary><c>leakwatch attach</c> against real target processes on each supported runtime, read over HTTP.</summary>
public class AttachTests
{
    [Theory]
    [InlineData(TestApp.Net10)]
    [InlineData(TestApp.Net9)]
    [InlineData(TestApp.Net8)]
    public async Task Os_thread_count_follows_a_thread_leak_and_every_series_carries_the_pid(string runtime)
    {
        using var app = await TestApp.StartAsync("thread-leak", runtime, "--rate", "5");
        using var agent = Agent.Attach(app.Pid);
        var pid = app.Pid.ToString(CultureInfo.InvariantCulture);

        var first = await agent.Metrics.WaitForAsync("process_num_threads", s => s["pid"] == pid);
        var grown = await agent.Metrics.WaitForAsync("process_num_threads", s => s.Value >= first.Value + 10);
        Assert.Equal("LeakWatch.TestApp", grown["process_name"]);

        // Both counter routes (System.Runtime meter on 9+, EventCounters on 8) give the same names.
        foreach (var name in new[] { "dotnet_thread_pool_thread_count", "dotnet_thread_pool_queue_length", "dotnet_timer_count", "dotnet_gc_collections_total", "process_open_fds", "process_resident_memory_bytes", "process_cpu_seconds_total" })
        {
            var sample = await agent.Metrics.WaitForAsync(name);
            Assert.Equal(pid, sample["pid"]);
        }

        var targetSeries = (await agent.Metrics.ScrapeAsync()).Where(s => !s.Name.StartsWith("leakwatch_agent_", StringComparison.Ordinal)).ToList();
        Assert.All(targetSeries, s => Assert.Equal(pid, s["pid"]));
        Assert.True(app.IsRunning);
    }

    [Fact]
    public async Task The_agent_exports_none_of_its_own_runtime_metrics_and_adds_user_labels()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Attach(app.Pid, "--label", "service=orders", "--label", "team=payments");
        // The runtime's first publish may carry some instruments before others: wait for each family read below.
        foreach (var family in new[] { "dotnet_gc_collections_total", "dotnet_thread_pool_thread_count", "process_num_threads" })
        {
            await agent.Metrics.WaitForAsync(family);
        }

        var text = await agent.Metrics.ReadTextAsync();
        var samples = MetricsScraper.Parse(text);
        var families = samples.Select(s => s.Name).Distinct().ToList();

        Assert.DoesNotContain(families, f => f.StartsWith("prometheus_net_", StringComparison.Ordinal));
        Assert.All(samples.Where(s => !s.Name.StartsWith("leakwatch_agent_", StringComparison.Ordinal)), s =>
        {
            Assert.Equal(app.Pid.ToString(CultureInfo.InvariantCulture), s["pid"]);
            Assert.Equal("orders", s["service"]);
            Assert.Equal("payments", s["team"]);
        });
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_num_threads gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_answer_under_localhost_and_127_0_0_1()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Attach(app.Pid);
        await agent.Metrics.WaitForAsync("process_num_threads");

        var viaLocalhost = await new MetricsScraper(new Uri($"http://localhost:{agent.Port}/metrics")).ScrapeAsync();

        Assert.Contains(viaLocalhost, s => s.Name == "process_num_threads");
    }

    [Fact]
    public async Task When_the_target_exits_attach_says_so_in_one_line_and_exits_0()
    {
        using var app = await TestApp.StartAsync("exit-soon", TestApp.Net10, "--exit-after", "6");
        using var agent = Agent.Attach(app.Pid, "--output", "lines");

        var exitCode = await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        Assert.Contains(agent.Process.StandardOutput, line => line == $"Process {app.Pid} (LeakWatch.TestApp) exited.");
        Assert.Empty(agent.Process.StandardError);
    }

    [Fact]
    public async Task Json_output_is_one_object_per_line()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Attach(app.Pid, "--output", "json", "--duration", "4s");

        Assert.Equal(0, await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var documents = agent.Process.StandardOutput.Select(line => JsonDocument.Parse(line)).ToList();
        var samples = documents.Where(d => d.RootElement.GetProperty("type").GetString() == "sample").ToList();
        Assert.NotEmpty(samples);
        var last = samples[^1].RootElement;
        Assert.Equal(app.Pid, last.GetProperty("pid").GetInt32());
        Assert.Contains(last.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("name").GetString() == "process_num_threads");
        Assert.Contains(documents, d => d.RootElement.GetProperty("type").GetString() == "message");
    }

    [Fact]
    public async Task App_meters_are_streamed_with_their_tags_as_labels()
    {
        // The demo app publishes the LeakWatch.Demo meter; demo streams it as attach --meter LeakWatch.Demo would.
        using var agent = Agent.Start(["demo"]);

        var processed = await agent.Metrics.WaitForAsync("demo_orders_processed_total", s => s.Value > 0);
        Assert.Equal("LeakWatch.DemoApp", processed["process_name"]);
        await agent.Metrics.WaitForAsync("process_num_threads");
    }
}
