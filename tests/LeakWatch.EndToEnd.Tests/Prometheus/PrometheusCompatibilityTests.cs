using System.Globalization;
using System.Text.Json;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Prometheus;

/// <summary>The exposition as Prometheus's own tools see it: promtool's linter and a real server's scrape.</summary>
public class PrometheusCompatibilityTests
{
    [Theory]
    [InlineData(TestApp.Net10)]
    [InlineData(TestApp.Net8)]
    public async Task Promtool_check_metrics_passes(string runtime)
    {
        using var app = await TestApp.StartAsync("thread-leak", runtime);
        using var agent = Agent.Attach(app.Pid, "--label", "service=orders");
        await agent.Metrics.WaitForAsync("dotnet_gc_collections_total");
        await agent.Metrics.WaitForAsync("dotnet_thread_pool_thread_count");
        var exposition = await agent.Metrics.ReadTextAsync();

        var (problems, transcript) = await Promtool.CheckMetricsAsync(exposition);
        Assert.True(problems.Count == 0, transcript);
    }

    [Fact]
    public async Task A_real_Prometheus_server_scrapes_the_target_series_with_their_pid()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Attach(app.Pid, "--label", "service=orders");
        await agent.Metrics.WaitForAsync("process_num_threads");
        using var server = await PrometheusServer.StartAsync(agent, "leakwatch");

        var pid = app.Pid.ToString(CultureInfo.InvariantCulture);
        var result = await Eventually.ValueAsync(
            async () =>
            {
                var series = await server.QueryAsync($"process_num_threads{{job=\"leakwatch\",pid=\"{pid}\",service=\"orders\"}}");
                return series.GetArrayLength() > 0 ? series[0].GetRawText() : null;
            },
            TimeSpan.FromSeconds(90),
            () => server.Process.Transcript);

        var first = JsonDocument.Parse(result).RootElement;
        Assert.Equal("LeakWatch.TestApp", first.GetProperty("metric").GetProperty("process_name").GetString());
        Assert.True(double.Parse(first.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) > 0);
    }
}
