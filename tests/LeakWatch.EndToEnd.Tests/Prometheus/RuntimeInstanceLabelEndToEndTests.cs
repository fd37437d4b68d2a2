using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Sidecar;

namespace LeakWatch.EndToEnd.Tests.Prometheus;

/// <summary>
/// <c>runtime_instance</c> on a real agent's /metrics, per way of finding targets: absent with <c>--pid</c>,
/// <c>--name</c> and <c>--all</c>, on every per-target series (counters, summaries, rules, snapshots) and never empty
/// with <c>--diagnostic-port</c>; promtool accepts the exposition in every mode.
/// </summary>
// --name and --all would find the web apps of tests running beside these: they run alone.
[Collection(MachineWideTests.Name)]
public sealed partial class RuntimeInstanceLabelEndToEndTests : IDisposable
{
    private const string WebAppName = "LeakWatch.WebApp";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("leakwatch-instance-");

    private string Socket => Path.Combine(_directory.FullName, "lw.sock");

    [Theory]
    [InlineData("--pid", false)]
    [InlineData("--name", false)]
    [InlineData("--all", false)]
    [InlineData("--diagnostic-port", true)]
    public async Task Every_target_series_has_runtime_instance_only_when_listening(string mode, bool listening)
    {
        // Listening, the agent starts first and the app connects to it.
        using var agentFirst = listening ? Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines", "--label", "service=orders"]) : null;
        if (agentFirst is not null)
        {
            await AgentProbes.WaitForStatusAsync(agentFirst, "/readyz", HttpStatusCode.OK);
        }

        using var web = await WebApp.StartAsync(listening ? new Dictionary<string, string> { ["DOTNET_DiagnosticPorts"] = $"{Socket},nosuspend" } : null);
        var pid = web.Pid.ToString(CultureInfo.InvariantCulture);
        using var agent = agentFirst ?? Agent.Start(mode switch
        {
            "--pid" => ["attach", "--pid", pid, "--output", "lines", "--label", "service=orders"],
            "--name" => ["attach", "--name", WebAppName, "--output", "lines", "--label", "service=orders"],
            _ => ["attach", "--all", "--name", WebAppName, "--output", "lines", "--label", "service=orders"],
        });

        await web.WarmUpAsync(agent, "/warmup", "/warmup");
        await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["pid"] == pid);
        await agent.Metrics.WaitForAsync("leakwatch_snapshots_total", s => s["pid"] == pid && s["reason"] == "baseline", TimeSpan.FromSeconds(90));
        var exposition = await agent.Metrics.ReadTextAsync();
        var perTarget = MetricsScraper.Parse(exposition).Where(s => s["pid"] == pid).ToList();

        foreach (var family in new[] { "dotnet_thread_pool_thread_count", "http_server_request_duration_seconds_count", "leakwatch_leak_suspected", "leakwatch_snapshots_total" })
        {
            Assert.True(perTarget.Any(s => s.Name == family), $"{mode}: no {family} for pid {pid}\n{exposition}");
        }

        Assert.DoesNotContain("runtime_instance=\"\"", exposition, StringComparison.Ordinal);
        var instances = perTarget.Select(s => s["runtime_instance"]).Distinct().ToList();
        if (listening)
        {
            // One runtime, one instance cookie on every one of its series.
            Assert.True(Cookie().IsMatch(Assert.Single(instances) ?? ""), $"{mode}: runtime_instance values {string.Join(", ", instances)}");
        }
        else
        {
            Assert.True(instances.SequenceEqual([null]), $"{mode}: runtime_instance values {string.Join(", ", instances)}\n{exposition}");
        }

        var (problems, transcript) = await Promtool.CheckMetricsAsync(exposition);
        Assert.True(problems.Count == 0, transcript);
    }

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Cookie();
}
