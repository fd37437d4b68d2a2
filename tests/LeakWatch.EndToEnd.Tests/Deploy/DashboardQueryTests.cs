using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Deploy;

/// <summary>
/// Every panel query of deploy/grafana/leakwatch-dashboard.json, run by a real Prometheus scraping a real agent that
/// watches the test app, returns data: the dashboard and the metric names cannot drift apart unnoticed.
/// </summary>
public class DashboardQueryTests
{
    private const string Job = "leakwatch-e2e";

    /// <summary>
    /// Panels allowed to be empty for the console test app: only the HTTP ones, proven against the web app below.
    /// (leakwatch_leak_suspected comes from the default rules at 0, and leakwatch_async_operations_pending from
    /// the async signal, calibrated by the baseline snapshot.)
    /// </summary>
    private const string Http = "http_server_request_duration_seconds";

    private static readonly string[] AllowedEmpty = [Http];

    [Fact]
    public async Task Every_panel_query_returns_data_from_a_real_Prometheus()
    {
        var node = ExternalTool.Require("node");
        var queries = await ListQueriesAsync(node);
        Assert.True(queries.Count >= 10, $"only {queries.Count} queries listed");

        // Threads blocked in known frames and pending async chains, so the snapshot tables have rows.
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "20");
        using var agent = Agent.Start(
            ["attach", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture), "--label", "service=orders", "--snapshot-baseline", "--max-pause", "30s", "--output", "lines"]);
        await agent.Metrics.WaitForAsync("leakwatch_snapshots_total");

        using var server = await PrometheusServer.StartAsync(agent, Job);
        await AllReturnDataAsync(server, agent, queries.Where(q => !AllowedEmpty.Any(m => q.Contains(m, StringComparison.Ordinal))).ToList());
    }

    [Fact]
    public async Task The_latency_and_request_rate_panels_return_data_for_a_web_app()
    {
        var node = ExternalTool.Require("node");
        var queries = (await ListQueriesAsync(node)).Where(q => q.Contains(Http, StringComparison.Ordinal)).ToList();
        Assert.True(queries.Count >= 4, $"only {queries.Count} HTTP queries listed");

        using var web = await WebApp.StartAsync();
        using var agent = Agent.Attach(web.Pid, "--label", "service=orders", "--output", "lines");
        await web.WarmUpAsync(agent, "/orders/1", "/orders/{id}");

        using var server = await PrometheusServer.StartAsync(agent, Job);
        // Requests keep coming while Prometheus scrapes, so rate() has two samples that differ.
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await web.GetAsync("/orders/2", 5);
                await Task.Delay(200);
            }
        });
        try
        {
            await AllReturnDataAsync(server, agent, queries);
        }
        finally
        {
            await stop.CancelAsync();
            await traffic;
        }
    }

    private static async Task AllReturnDataAsync(PrometheusServer server, Agent agent, IReadOnlyList<string> pending)
    {
        Assert.NotEmpty(pending);
        var lastEmpty = new List<string>();
        await Eventually.TrueAsync(
            async () =>
            {
                lastEmpty.Clear();
                foreach (var query in pending)
                {
                    if ((await server.QueryAsync(Substitute(query))).GetArrayLength() == 0)
                    {
                        lastEmpty.Add(query);
                    }
                }

                return lastEmpty.Count == 0;
            },
            TimeSpan.FromSeconds(120),
            () => $"queries without data: {string.Join(" | ", lastEmpty)}\n{agent.Process.Transcript}");
    }

    /// <summary>The dashboard's variables as a person picking "All" would set them.</summary>
    private static string Substitute(string query) => query
        .Replace("$job", Job, StringComparison.Ordinal)
        .Replace("$service", ".*", StringComparison.Ordinal)
        .Replace("$pid", ".*", StringComparison.Ordinal)
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__interval", "15s", StringComparison.Ordinal);

    private static async Task<IReadOnlyList<string>> ListQueriesAsync(string node)
    {
        var test = Path.Combine(RepoPaths.Root, "deploy", "test");
        if (!File.Exists(Path.Combine(test, "node_modules", "yaml", "package.json")))
        {
            throw new InvalidOperationException("deploy/test/node_modules is missing: run bash deploy/test/install-tools.sh");
        }

        var list = Path.GetTempFileName();
        try
        {
            using var validate = new ProcessRunner(node,
                [Path.Combine(test, "validate-dashboard.mjs"), Path.Combine(RepoPaths.Root, "deploy", "grafana", "leakwatch-dashboard.json"), "--list-queries", list]);
            Assert.True(await validate.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, validate.Transcript);
            return (await File.ReadAllLinesAsync(list)).Where(l => l.Trim().Length > 0).ToList();
        }
        finally
        {
            File.Delete(list);
        }
    }
}
