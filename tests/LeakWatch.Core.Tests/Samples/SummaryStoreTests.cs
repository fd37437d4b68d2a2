using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Tests.Samples;

public class SummaryStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static HistogramSample Interval(string quantiles, int? count, double? sum, string tags = "http.route=/orders/{id},http.request.method=GET,http.response.status_code=200")
    {
        var translator = new MeterSampleTranslator();
        translator.Describe("Microsoft.AspNetCore.Hosting", "http.server.request.duration", "Histogram`1", "Duration of HTTP server requests.");
        return translator.TranslateHistogram(new HistogramMeasurement(At, "Microsoft.AspNetCore.Hosting", "http.server.request.duration", "s", tags, quantiles, count, sum));
    }

    private static string Text(SummaryStore store)
    {
        var text = new StringWriter();
        store.Write(text);
        return text.ToString();
    }

    [Fact]
    public void A_histogram_interval_is_named_and_labelled_as_OpenTelemetry_does()
    {
        var sample = Interval("0.5=0.002;0.95=0.004;0.99=0.008", 30, 0.09);

        Assert.Equal("http_server_request_duration_seconds", sample.Name);
        Assert.Equal(LabelSet.Of(("http_route", "/orders/{id}"), ("http_request_method", "GET"), ("http_response_status_code", "200")), sample.Labels);
        Assert.Equal([new QuantileValue(0.5, 0.002), new QuantileValue(0.95, 0.004), new QuantileValue(0.99, 0.008)], sample.Quantiles);
        Assert.Equal("Duration of HTTP server requests.", sample.Help);
    }

    [Fact]
    public void Count_and_sum_add_up_over_intervals_and_quantiles_are_the_latest()
    {
        var store = new SummaryStore();
        var labels = LabelSet.Of(("pid", "42"), ("http_route", "/a"));
        store.Observe(Interval("0.5=0.1;0.95=0.2;0.99=0.3", 3, 0.6), labels);
        store.Observe(Interval("0.5=1;0.95=2;0.99=4", 2, 3.5), labels);

        Assert.Equal(
            "# HELP http_server_request_duration_seconds Duration of HTTP server requests.\n" +
            "# TYPE http_server_request_duration_seconds summary\n" +
            "http_server_request_duration_seconds{http_route=\"/a\",pid=\"42\",quantile=\"0.5\"} 1\n" +
            "http_server_request_duration_seconds{http_route=\"/a\",pid=\"42\",quantile=\"0.95\"} 2\n" +
            "http_server_request_duration_seconds{http_route=\"/a\",pid=\"42\",quantile=\"0.99\"} 4\n" +
            "http_server_request_duration_seconds_sum{http_route=\"/a\",pid=\"42\"} 4.1\n" +
            "http_server_request_duration_seconds_count{http_route=\"/a\",pid=\"42\"} 5\n",
            Text(store));
    }

    [Theory]
    [InlineData("", 0, 0.0, "NaN", true)] // an interval without requests: no quantiles, totals unchanged
    [InlineData("0.5=0.1;0.95=0.2;0.99=0.3", null, null, "0.1", false)] // a pre-.NET 8 event: quantiles only
    [InlineData("0.5=x;junk;0.95=0.2", 1, 0.2, "NaN", true)] // malformed parts are skipped
    public void Intervals_the_event_describes_partly_still_export_honestly(string quantiles, int? count, double? sum, string median, bool hasTotals)
    {
        var store = new SummaryStore();
        store.Observe(Interval(quantiles, count, sum), LabelSet.Of(("pid", "1")));

        var text = Text(store);
        Assert.Contains($"http_server_request_duration_seconds{{pid=\"1\",quantile=\"0.5\"}} {median}\n", text, StringComparison.Ordinal);
        Assert.Equal(hasTotals, text.Contains("_count{", StringComparison.Ordinal));
    }

    [Fact]
    public void A_gone_target_leaves_no_series_and_label_values_are_escaped()
    {
        var store = new SummaryStore();
        store.Observe(Interval("0.5=1;0.95=1;0.99=1", 1, 1), LabelSet.Of(("pid", "1"), ("route", "a\"b\\c")));
        store.Observe(Interval("0.5=1;0.95=1;0.99=1", 1, 1), LabelSet.Of(("pid", "2")));

        Assert.Contains("route=\"a\\\"b\\\\c\"", Text(store), StringComparison.Ordinal);
        store.RemoveWhere("pid", "1");

        Assert.Equal(1, store.SeriesCount);
        Assert.DoesNotContain("pid=\"1\"", Text(store), StringComparison.Ordinal);
    }
}
