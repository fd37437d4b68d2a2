using System.Diagnostics;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Tests.Support;
using LeakWatch.Core.Samples;
using static LeakWatch.Agent.Tests.Support.Fakes;

namespace LeakWatch.Agent.Tests.Export;

/// <summary>/metrics from a made-up sample stream: types, names, labels, a target forgotten, conflicts counted.</summary>
public class PrometheusExporterTests
{
    private static readonly Dictionary<string, string> UserLabels = new() { ["team"] = "payments", ["service"] = "orders" };

    public static TheoryData<string, MetricSample, string, string> Series => new()
    {
        {
            "gauge, no labels of its own",
            Gauge("process_num_threads", 48),
            "# TYPE process_num_threads gauge",
            "process_num_threads{pid=\"1804\",process_name=\"Orders\",service=\"orders\",team=\"payments\"} 48"
        },
        {
            "counter with a tag",
            Counter("leakwatch_async_operations_started_total", 1200, ("method", "Payments.Gateway.ChargeAsync")),
            "# TYPE leakwatch_async_operations_started_total counter",
            "leakwatch_async_operations_started_total{pid=\"1804\",process_name=\"Orders\",service=\"orders\",team=\"payments\",method=\"Payments.Gateway.ChargeAsync\"} 1200"
        },
        {
            "the instrument's tag wins over a user label of the same name",
            Gauge("orders_queue_depth", 3, ("service", "checkout")),
            "# TYPE orders_queue_depth gauge",
            "orders_queue_depth{pid=\"1804\",process_name=\"Orders\",service=\"checkout\",team=\"payments\"} 3"
        },
    };

    [Theory]
    [MemberData(nameof(Series))]
    public async Task A_sample_is_exported_with_its_type_and_the_target_labels_first(string name, MetricSample sample, string typeLine, string sampleLine)
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(UserLabels), new AgentHealth());

        exporter.OnSample(Orders, sample);

        var text = await ExpositionAsync(exporter);
        Assert.True(text.Contains(typeLine + "\n", StringComparison.Ordinal), $"{name}: no '{typeLine}' in\n{text}");
        Assert.True(SampleLines(text).Contains(sampleLine), $"{name}: no '{sampleLine}' in\n{text}");
    }

    [Fact]
    public async Task The_latest_gauge_value_is_kept_and_a_counter_never_goes_back()
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(), new AgentHealth());

        foreach (var (threads, started) in new[] { (40.0, 10.0), (48.0, 30.0), (45.0, 20.0) })
        {
            exporter.OnSample(Orders, Gauge("process_num_threads", threads));
            exporter.OnSample(Orders, Counter("dotnet_gc_collections_total", started));
        }

        var lines = SampleLines(await ExpositionAsync(exporter));
        Assert.Contains("process_num_threads{pid=\"1804\",process_name=\"Orders\"} 45", lines);
        Assert.Contains("dotnet_gc_collections_total{pid=\"1804\",process_name=\"Orders\"} 30", lines);
    }

    [Fact]
    public async Task A_forgotten_target_loses_every_series_and_the_others_keep_theirs()
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(UserLabels), new AgentHealth());
        foreach (var target in new[] { Orders, Billing })
        {
            exporter.OnSample(target, Gauge("process_num_threads", 10));
            exporter.OnSample(target, Gauge("leakwatch_async_operations_pending", 5, ("method", "Payments.Gateway.ChargeAsync")));
            exporter.OnHistogram(target, Histogram());
        }

        exporter.RemoveTarget(Orders);

        var lines = SampleLines(await ExpositionAsync(exporter)).Where(l => !l.StartsWith("leakwatch_agent_", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(lines, l => l.Contains("pid=\"1804\"", StringComparison.Ordinal));
        // Billing keeps its gauge, its pending method and its summary (three quantiles, _sum, _count).
        Assert.Equal(2 + 5, lines.Count(l => l.Contains("pid=\"2207\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_series_that_ended_leaves_and_its_family_stays()
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(), new AgentHealth());
        exporter.OnSample(Orders, Gauge("leakwatch_async_operations_pending", 5, ("method", "A")));
        exporter.OnSample(Orders, Gauge("leakwatch_async_operations_pending", 7, ("method", "B")));

        exporter.OnSeriesEnded(Orders, "leakwatch_async_operations_pending", LabelSet.Of(("method", "A")));

        var lines = SampleLines(await ExpositionAsync(exporter)).Where(l => l.StartsWith("leakwatch_async_operations_pending", StringComparison.Ordinal)).ToList();
        Assert.Equal(["leakwatch_async_operations_pending{pid=\"1804\",process_name=\"Orders\",method=\"B\"} 7"], lines);
    }

    [Fact]
    public async Task A_family_seen_first_as_a_gauge_and_then_as_a_counter_keeps_its_type_and_the_conflict_is_counted()
    {
        var health = new AgentHealth();
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(), health);

        exporter.OnSample(Orders, Gauge("orders_processed", 3));
        exporter.OnSample(Orders, Counter("orders_processed", 9));

        var text = await ExpositionAsync(exporter);
        Assert.Contains("# TYPE orders_processed gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("orders_processed{pid=\"1804\",process_name=\"Orders\"} 3", SampleLines(text));
        Assert.Equal(1, health.Errors["metric_type_conflict"]);
        Assert.Contains("leakwatch_agent_errors_total{kind=\"metric_type_conflict\"} 1", SampleLines(text));
    }

    [Fact]
    public async Task A_tag_that_appears_after_the_family_was_created_is_dropped_and_counted()
    {
        var health = new AgentHealth();
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(), health);

        exporter.OnSample(Orders, Gauge("orders_queue_depth", 3));
        exporter.OnSample(Orders, Gauge("orders_queue_depth", 4, ("queue", "priority")));

        Assert.Contains("orders_queue_depth{pid=\"1804\",process_name=\"Orders\"} 4", SampleLines(await ExpositionAsync(exporter)));
        Assert.Equal(1, health.Errors["label_set_changed"]);
    }

    [Fact]
    public async Task A_histogram_is_a_summary_with_the_target_labels()
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(UserLabels), new AgentHealth());

        exporter.OnHistogram(Orders, Histogram());

        var text = await ExpositionAsync(exporter);
        Assert.Contains("# TYPE http_server_request_duration_seconds summary\n", text, StringComparison.Ordinal);
        var lines = SampleLines(text);
        Assert.Contains("http_server_request_duration_seconds{pid=\"1804\",process_name=\"Orders\",service=\"orders\",team=\"payments\",quantile=\"0.99\"} 0.25", lines.Select(Sorted));
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && l.EndsWith(" 40", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_agent_s_own_series_are_there_before_any_target()
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(), new AgentHealth());

        var text = await ExpositionAsync(exporter);

        Assert.Contains(SampleLines(text), l => l.StartsWith("leakwatch_agent_info{version=", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Contains("leakwatch_agent_events_total 0", SampleLines(text));
        Assert.DoesNotContain("process_cpu_seconds_total", text, StringComparison.Ordinal); // prometheus-net's own collectors stay off
    }

    [PromtoolFact]
    public async Task The_exposition_passes_promtool_check_metrics()
    {
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(UserLabels), new AgentHealth());
        foreach (var target in new[] { Orders, Billing })
        {
            exporter.OnSample(target, Gauge("process_num_threads", 48));
            exporter.OnSample(target, Counter("leakwatch_async_operations_started_total", 1200, ("method", "Payments.Gateway.ChargeAsync")));
            exporter.OnSample(target, Gauge("process_resident_memory_bytes", 43315200));
            exporter.OnHistogram(target, Histogram());
        }

        var text = await ExpositionAsync(exporter);
        var start = new ProcessStartInfo(PromtoolFactAttribute.Path!, "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var promtool = Process.Start(start)!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: {output}\n{text}");
    }

    private static HistogramSample Histogram() => new(
        "http_server_request_duration_seconds",
        LabelSet.Of(("http_route", "/orders")),
        "Duration of HTTP server requests.",
        [new QuantileValue(0.5, 0.01), new QuantileValue(0.95, 0.1), new QuantileValue(0.99, 0.25)],
        40,
        2.5,
        ManualTime.Start);

    /// <summary>Summary series carry the instrument's tags too; this test's line leaves out http_route to compare the rest.</summary>
    private static string Sorted(string line) => line.Replace(",http_route=\"/orders\"", "", StringComparison.Ordinal).Replace("http_route=\"/orders\",", "", StringComparison.Ordinal);
}
