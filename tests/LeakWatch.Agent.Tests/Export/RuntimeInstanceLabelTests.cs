using System.Net;
using System.Text;
using LeakWatch.Agent.Configuration;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Hosting;
using LeakWatch.Agent.Rules;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Agent.Tests.Support;
using LeakWatch.Core.Samples;
using Microsoft.Diagnostics.NETCore.Client;
using static LeakWatch.Agent.Tests.Support.Fakes;

namespace LeakWatch.Agent.Tests.Export;

/// <summary>
/// <c>runtime_instance</c> is decided once by the host from how it finds its targets: absent from every series with
/// <c>--pid</c>, <c>--name</c> and <c>--all</c> (a pid names one process there), present and never empty on every
/// per-target series in listen mode (<c>--diagnostic-port</c>), where sidecar apps may all be pid 1.
/// </summary>
public class RuntimeInstanceLabelTests
{
    private const string Cookie = "3f2a9c0e5b7d41c2a8e6f01d9b3c7a55";

    public static TheoryData<string, TargetsOptions, TargetProcess, string?> Modes => new()
    {
        // --name resolves to one process before the host is built: the options hold it as --pid's do.
        { "--pid / --name", new TargetsOptions { Target = Orders }, Orders, null },
        { "--all", new TargetsOptions { AllProcesses = true }, Orders, null },
        { "--all --name", new TargetsOptions { AllProcesses = true, NameFilter = "Orders" }, Orders, null },
        { "--diagnostic-port, app in its own pid namespace", new TargetsOptions { DiagnosticPort = "/run/leakwatch/lw.sock" }, Connected(pidVisible: false), Cookie },
        { "--diagnostic-port, app in the agent's pid namespace", new TargetsOptions { DiagnosticPort = "/run/leakwatch/lw.sock" }, Connected(pidVisible: true), Cookie },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Every_per_target_series_has_runtime_instance_exactly_in_listen_mode(string mode, TargetsOptions targets, TargetProcess target, string? instance)
    {
        await using var host = new AgentHost(Options(targets), new ManualTime());
        host.Exporter.OnSample(target, Gauge("process_num_threads", 48));
        host.Exporter.OnSample(target, Counter("leakwatch_async_operations_started_total", 1200, ("method", "Payments.Gateway.ChargeAsync")));
        host.Exporter.OnHistogram(target, new HistogramSample(
            "http_server_request_duration_seconds", LabelSet.Of(("http_route", "/orders")), "Duration of HTTP server requests.",
            [new QuantileValue(0.5, 0.01), new QuantileValue(0.99, 0.25)], 40, 2.5, ManualTime.Start));
        // The rules' and the snapshots' series, labelled as the host labels them.
        new RuleMetrics(host.Exporter.Registry, host.TargetLabels).Watch(target, "thread-leak", "leakwatch_managed_threads");
        using var recorder = new SnapshotRecorder(new ScriptedSnapshots(new ManualTime()), new SnapshotRecorderOptions(), host.Exporter.Registry, host.TargetLabels, new ManualTime());
        await recorder.OnTriggerAsync(target, "thread-leak", CancellationToken.None);

        var text = await ExpositionAsync(host.Exporter);
        var perTarget = SampleLines(text).Where(l => l.Contains("pid=\"", StringComparison.Ordinal)).ToList();

        Assert.Equal(instance is not null, host.TargetLabels.HasRuntimeInstance);
        foreach (var family in new[] { "process_num_threads{", "leakwatch_async_operations_started_total{", "http_server_request_duration_seconds_count{", "leakwatch_leak_suspected{", "leakwatch_snapshots_total{", "leakwatch_threads_by_stack{" })
        {
            Assert.True(perTarget.Any(l => l.StartsWith(family, StringComparison.Ordinal)), $"{mode}: no {family} in\n{text}");
        }

        Assert.All(perTarget, line => Assert.True(
            instance is null ? !line.Contains("runtime_instance=", StringComparison.Ordinal) : line.Contains($",runtime_instance=\"{instance}\"", StringComparison.Ordinal),
            $"{mode}: {line}"));
    }

    [Fact]
    public async Task A_series_of_a_gone_target_leaves_by_pid_outside_listen_mode_and_by_instance_in_it()
    {
        var listening = new TargetLabels(new Dictionary<string, string>(), runtimeInstance: true);
        var exporter = new PrometheusExporter(listening, new AgentHealth());
        var first = Connected(pidVisible: false);
        var second = Connected(pidVisible: false, "00000000000000000000000000000002");
        exporter.OnSample(first, Gauge("dotnet_timer_count", 3));
        exporter.OnSample(second, Gauge("dotnet_timer_count", 4));
        exporter.OnHistogram(first, new HistogramSample("http_server_request_duration_seconds", LabelSet.Empty, "Duration.", [new QuantileValue(0.5, 0.01)], 1, 0.01, ManualTime.Start));

        exporter.RemoveTarget(first);

        var lines = SampleLines(await ExpositionAsync(exporter)).Where(l => l.Contains("pid=\"1\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(["dotnet_timer_count{pid=\"1\",process_name=\"Orders\",runtime_instance=\"00000000000000000000000000000002\"} 4"], lines);
    }

    [Theory]
    [InlineData(false, "?pid=1804&runtime_instance=3f2a", HttpStatusCode.BadRequest, "runtime_instance applies only to apps connected to --diagnostic-port: pick the process by pid alone\n")]
    [InlineData(true, "?pid=1&runtime_instance=3F2A9C0E5B7D41C2A8E6F01D9B3C7A55", HttpStatusCode.OK, "\"runtimeInstance\":\"3f2a9c0e5b7d41c2a8e6f01d9b3c7a55\"")]
    [InlineData(false, "?pid=1804", HttpStatusCode.OK, "\"processName\":\"Orders\",\"reason\"")]
    public async Task Post_snapshots_takes_and_answers_runtime_instance_only_in_listen_mode(bool listening, string query, HttpStatusCode status, string answered)
    {
        TargetProcess target = listening ? Connected(pidVisible: false) : Orders;
        using var recorder = new SnapshotRecorder(new ScriptedSnapshots(new ManualTime()), new SnapshotRecorderOptions(), null, new TargetLabels(new Dictionary<string, string>(), listening), new ManualTime());
        var endpoint = new SnapshotEndpoint(recorder, new ApiKeyCheck("key"), listening, () => [target], _ => { });
        using var exchange = new HttpExchange(new AgentHttpRequest
        {
            HttpMethod = "POST",
            Path = SnapshotEndpoint.Path,
            QueryString = AgentHttpRequest.ParseQuery(query.TrimStart('?')),
            Headers = new() { ["Authorization"] = "Bearer key", ["Accept"] = "application/json" },
        });

        await endpoint.HandleAsync(exchange, CancellationToken.None);

        var body = Encoding.UTF8.GetString(exchange.Response.OutputStream.Written.Span);
        Assert.Equal((int)status, exchange.Response.StatusCode);
        Assert.Contains(answered, body, StringComparison.Ordinal);
    }

    private static LeakWatchOptions Options(TargetsOptions targets) => new()
    {
        Targets = targets,
        Http = new HttpOptions { Url = null },
        Labels = new Dictionary<string, string> { ["service"] = "orders" },
    };

    private static TargetProcess Connected(bool pidVisible, string cookie = Cookie) =>
        new(pidVisible ? 1804 : 1, "Orders", "dotnet Orders.dll", new Version(10, 0, 0))
        {
            Connection = new RuntimeConnection(new DiagnosticsClient(1), pidVisible, Guid.ParseExact(cookie, "N")),
        };
}
