using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Counters;

/// <summary>
/// ASP.NET Core's request duration histogram, streamed out of process from a real minimal API and exported as a
/// Prometheus summary: quantiles of the last interval, _sum and _count added up since attach, tags as labels.
/// </summary>
public class RequestLatencyTests
{
    private const string Duration = "http_server_request_duration_seconds";

    [Fact]
    public async Task Request_duration_is_a_summary_whose_count_is_the_requests_sent()
    {
        using var web = await WebApp.StartAsync();
        using var agent = Agent.Attach(web.Pid, "--label", "service=orders", "--output", "lines");

        var warm = await web.WarmUpAsync(agent, "/warmup", "/warmup");
        Assert.Equal("GET", warm["http_request_method"]);

        Assert.All(await web.GetAsync("/orders/7", 40), code => Assert.Equal(200, code));
        Assert.All(await web.GetAsync("/orders/4242", 12), code => Assert.Equal(404, code));

        var pid = web.Pid.ToString(CultureInfo.InvariantCulture);
        bool Orders(ScrapedSample s, string status) =>
            s["http_route"] == "/orders/{id}" && s["http_response_status_code"] == status && s["http_request_method"] == "GET"
            && s["pid"] == pid && s["process_name"] == "LeakWatch.WebApp" && s["service"] == "orders";
        await agent.Metrics.WaitForAsync(Duration + "_count", s => Orders(s, "200") && s.Value == 40);
        await agent.Metrics.WaitForAsync(Duration + "_count", s => Orders(s, "404") && s.Value == 12);

        var samples = await agent.Metrics.ScrapeAsync();
        var sum = Assert.Single(samples, s => s.Name == Duration + "_sum" && Orders(s, "200"));
        Assert.InRange(sum.Value, 1e-7, 40 * 5.0); // seconds, not milliseconds
        var quantiles = samples.Where(s => s.Name == Duration && Orders(s, "200")).Select(s => s["quantile"]).ToList();
        Assert.Equal(["0.5", "0.95", "0.99"], quantiles);

        var exposition = await agent.Metrics.ReadTextAsync();
        Assert.Contains($"# TYPE {Duration} summary", exposition, StringComparison.Ordinal);
        var (problems, transcript) = await Promtool.CheckMetricsAsync(exposition);
        Assert.True(problems.Count == 0, transcript);
    }

    [Fact]
    public async Task Reaching_the_histogram_limit_is_reported_and_the_first_series_stay()
    {
        using var web = await WebApp.StartAsync();
        using var agent = Agent.Attach(web.Pid, "--output", "lines");
        await web.WarmUpAsync(agent, "/warmup", "/warmup");

        // 30 status codes on one route: 30 histogram series, past the 20 leakwatch asks the target for.
        for (var code = 200; code < 230; code++)
        {
            await web.GetAsync($"/status/{code}", 1);
        }

        await agent.Process.WaitForLineAsync(line => line.Contains("limit of 20 histogram series", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await agent.Metrics.WaitForAsync("leakwatch_agent_errors_total", s => s["kind"] == "histogram_limit" && s.Value >= 1);
        // The series the target aggregated before the limit keep being exported; the rest never appear.
        var count = 0;
        await Eventually.TrueAsync(
            async () => (count = (await agent.Metrics.ScrapeAsync()).Count(s => s.Name == Duration + "_count")) >= 5,
            TimeSpan.FromSeconds(60),
            () => $"{count} {Duration} series");
        Assert.InRange(count, 5, 20);
    }
}
