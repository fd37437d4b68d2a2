using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Tests.Samples;

public class MeterSampleTranslatorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static MeterMeasurement Measure(string instrument, MeterValueKind kind, double value, string? unit = null, string? tags = null, string meter = "System.Runtime") =>
        new(At, meter, instrument, unit, tags, kind, value);

    [Fact]
    public void Thread_pool_counts_are_gauges_although_the_runtime_declares_them_counters()
    {
        var translator = new MeterSampleTranslator();
        translator.Describe("System.Runtime", "dotnet.thread_pool.thread.count", "ObservableCounter`1", "The number of thread pool threads that currently exist.");

        var sample = translator.Translate(Measure("dotnet.thread_pool.thread.count", MeterValueKind.MonotonicCounter, 7, "{thread}"));

        Assert.Equal("dotnet_thread_pool_thread_count", sample.Name);
        Assert.Equal(MetricKind.Gauge, sample.Kind);
        Assert.Equal(7, sample.Value);
        Assert.Equal("The number of thread pool threads that currently exist.", sample.Help);
    }

    [Fact]
    public void Declared_up_down_counters_are_gauges()
    {
        var translator = new MeterSampleTranslator();
        translator.Describe("Shop", "shop.carts.open", "ObservableUpDownCounter`1", null);

        var sample = translator.Translate(Measure("shop.carts.open", MeterValueKind.MonotonicCounter, 3, meter: "Shop"));

        Assert.Equal(MetricKind.Gauge, sample.Kind);
        Assert.Equal("shop_carts_open", sample.Name);
    }

    [Fact]
    public void Counters_keep_their_cumulative_value_and_tags_become_labels()
    {
        var translator = new MeterSampleTranslator();

        var sample = translator.Translate(Measure("dotnet.gc.collections", MeterValueKind.MonotonicCounter, 12, "{collection}", "gc.heap.generation=gen0"));

        Assert.Equal("dotnet_gc_collections_total", sample.Name);
        Assert.Equal(MetricKind.Counter, sample.Kind);
        Assert.Equal(12, sample.Value);
        Assert.Equal("gen0", sample.Labels["gc_heap_generation"]);
        Assert.Equal(At, sample.Timestamp);
    }

    [Theory]
    [InlineData(null, "{}")]
    [InlineData("", "{}")]
    [InlineData("a=1", "{a=\"1\"}")]
    [InlineData("b=2,a=1", "{a=\"1\",b=\"2\"}")]
    [InlineData("error.type=System.IO.IOException", "{error_type=\"System.IO.IOException\"}")]
    [InlineData("a=1,a=2", "{a=\"1\"}")]
    [InlineData("novalue,a=", "{a=\"\"}")]
    public void Tags_parse_into_sorted_labels(string? tags, string expected) =>
        Assert.Equal(expected, MeterSampleTranslator.ParseTags(tags).ToString());
}
