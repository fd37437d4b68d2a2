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
        var promtool = ExternalTool.Require("promtool");
        using var app = await TestApp.StartAsync("thread-leak", runtime);
        using var agent = Agent.Attach(app.Pid, "--label", "service=orders");
        await agent.Metrics.WaitForAsync("dotnet_gc_collections_total");
        await agent.Metrics.WaitForAsync("dotnet_thread_pool_thread_count");
        var exposition = await agent.Metrics.ReadTextAsync();

        var input = Path.GetTempFileName();
        await File.WriteAllTextAsync(input, exposition);
        using var check = new ProcessRunner("sh", ["-c", $"{promtool} check metrics < {input}"]);
        await check.WaitForExitAsync(TimeSpan.FromSeconds(60));
        File.Delete(input);

        // The one lint accepted on purpose: OpenTelemetry's semantic conventions name these gauges *_count, and
        // dashboards for .NET's runtime metrics query them by those names (docs/metrics.md says why).
        var problems = check.StandardOutput.Concat(check.StandardError)
            .Where(line => !OpenTelemetryCountGauges.Any(name => line == $"{name} non-histogram and non-summary metrics should not have \"_count\" suffix"))
            .ToList();
        Assert.True(problems.Count == 0, check.Transcript);
    }

    private static readonly string[] OpenTelemetryCountGauges =
        ["dotnet_thread_pool_thread_count", "dotnet_timer_count", "dotnet_assembly_count", "dotnet_process_cpu_count"];

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
