using System.Text.Json;
using LeakWatch.Agent;
using LeakWatch.Agent.Targets;
using LeakWatch.Cli.Rendering;
using LeakWatch.Core.Samples;

namespace LeakWatch.Cli.Tests.Rendering;

/// <summary>Each renderer against a StringWriter standing in for the console.</summary>
public class RendererTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 19, 40, 51, TimeSpan.Zero);
    private static readonly TargetProcess Target = new(4242, "Orders", "dotnet Orders.dll", null);

    private static TargetView View(DateTimeOffset at, double threads, double collections) => new(Target,
    [
        new MetricSample("process_num_threads", MetricKind.Gauge, threads, at, LabelSet.Empty, ""),
        new MetricSample("process_resident_memory_bytes", MetricKind.Gauge, 45 * 1024 * 1024, at, LabelSet.Empty, ""),
        new MetricSample("dotnet_gc_collections_total", MetricKind.Counter, collections, at, LabelSet.Of(("gc_heap_generation", "gen0")), ""),
    ]);

    [Fact]
    public void Lines_show_the_headline_signals_as_key_value()
    {
        var output = new StringWriter();

        new LineRenderer(output).Render([View(T0, 48, 3)], T0);

        Assert.Equal("2026-11-24T19:40:51Z pid=4242 name=Orders threads=48 rss=47185920\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_silent_target_is_marked_stale_in_lines_table_and_json()
    {
        var stale = View(T0, 48, 3) with { SilentFor = TimeSpan.FromSeconds(12.7) };
        var lines = new StringWriter();
        var table = new StringWriter();
        var json = new StringWriter();

        new LineRenderer(lines).Render([stale], T0);
        new LiveTableRenderer(table, () => (100, 30)).Render([stale], T0);
        new JsonLinesRenderer(json).Render([stale], T0);

        Assert.EndsWith(" stale=12s\n", lines.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("STALE: no data for 12s, values are old", table.ToString(), StringComparison.Ordinal);
        Assert.Equal(12, JsonDocument.Parse(json.ToString()).RootElement.GetProperty("staleSeconds").GetDouble());
    }

    [Fact]
    public void Json_lines_are_valid_json_with_every_series()
    {
        var output = new StringWriter();
        var renderer = new JsonLinesRenderer(output);

        renderer.Render([View(T0, 48, 3)], T0);
        renderer.Message("Stopped.");

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sample = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("sample", sample.GetProperty("type").GetString());
        Assert.Equal(4242, sample.GetProperty("pid").GetInt32());
        var metrics = sample.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal(3, metrics.Count);
        Assert.Equal("process_num_threads", metrics[0].GetProperty("name").GetString());
        Assert.Equal("gen0", metrics.Single(m => m.GetProperty("name").GetString() == "dotnet_gc_collections_total").GetProperty("labels").GetProperty("gc_heap_generation").GetString());
        Assert.Equal("Stopped.", JsonDocument.Parse(lines[1]).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void The_live_table_redraws_in_place_and_shows_counter_rates()
    {
        var output = new StringWriter();
        var renderer = new LiveTableRenderer(output, () => (100, 30));

        renderer.Render([View(T0, 48, 3)], T0);
        var firstFrame = output.ToString();
        renderer.Render([View(T0.AddSeconds(2), 50, 7)], T0.AddSeconds(2));
        var secondFrame = output.ToString()[firstFrame.Length..];

        Assert.Contains("process_num_threads", firstFrame, StringComparison.Ordinal);
        Assert.Contains("45.0 MiB", firstFrame, StringComparison.Ordinal);
        var linesOfFirstFrame = firstFrame.Count(c => c == '\n');
        Assert.StartsWith($"\u001b[{linesOfFirstFrame}F\u001b[J", secondFrame, StringComparison.Ordinal);
        Assert.Contains("2.0/s", secondFrame, StringComparison.Ordinal); // (7 - 3) collections over 2 s
        Assert.Contains("dotnet_gc_collections_total{gen0}", secondFrame, StringComparison.Ordinal);
    }

    /// <summary>A web service's worth of series: far more than 24 rows, leak signals scattered among them by name.</summary>
    private static TargetView Busy(DateTimeOffset at)
    {
        var samples = new List<MetricSample>();
        for (var i = 0; i < 30; i++)
        {
            samples.Add(new MetricSample("dotnet_gc_heap_fragmentation_size_bytes", MetricKind.Gauge, i, at, LabelSet.Of(("gc_heap_generation", $"g{i:00}")), ""));
        }

        samples.Add(new MetricSample("process_num_threads", MetricKind.Gauge, 312, at, LabelSet.Empty, ""));
        samples.Add(new MetricSample("dotnet_timer_count", MetricKind.Gauge, 7, at, LabelSet.Empty, ""));
        samples.Add(new MetricSample("dotnet_gc_last_collection_heap_size_bytes", MetricKind.Gauge, 1 << 20, at, LabelSet.Of(("gc_heap_generation", "gen2")), ""));
        for (var i = 0; i < 12; i++)
        {
            samples.Add(new MetricSample("leakwatch_async_operations_pending", MetricKind.Gauge, 100 - i, at, LabelSet.Of(("method", $"Orders.Step{i:00}Async")), ""));
        }

        return new TargetView(Target, samples);
    }

    private static string[] Screen(string frame) =>
        System.Text.RegularExpressions.Regex.Replace(frame, "\u001b\\[[0-9;]*[A-Za-z]", "").TrimEnd('\n').Split('\n');

    [Theory]
    [InlineData(80, 24)]
    [InlineData(100, 30)]
    public void The_live_table_fits_the_terminal_with_header_suspicion_and_leak_signals_first(int width, int height)
    {
        var output = new StringWriter();
        var renderer = new LiveTableRenderer(output, () => (width, height));
        renderer.Message("leak suspected: rule 'thread-leak' on pid 4242: process_num_threads = 312, rising +2/s over 20s");
        var before = output.ToString().Length;

        renderer.Render([Busy(T0)], T0);

        var screen = Screen(output.ToString()[before..]);
        Assert.True(screen.Length <= height - 1, $"{screen.Length} lines on a {height}-row terminal");
        Assert.All(screen, line => Assert.True(line.Length < width, $"{line.Length} columns: {line}"));
        Assert.StartsWith("Orders  pid 4242", screen[0], StringComparison.Ordinal);
        Assert.Contains("leak suspected: rule 'thread-leak'", screen[1], StringComparison.Ordinal);
        Assert.Contains(screen, line => line.TrimStart().StartsWith("process_num_threads", StringComparison.Ordinal));
        Assert.Contains(screen, line => line.TrimStart().StartsWith("dotnet_timer_count", StringComparison.Ordinal));
        Assert.Contains(screen, line => line.TrimStart().StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal));
        Assert.Contains(screen, line => line.TrimStart().StartsWith("Orders.Step00Async", StringComparison.Ordinal));
        Assert.Contains(screen, line => line.Contains("more rows", StringComparison.Ordinal));
        Assert.EndsWith("Ctrl+C to stop", screen[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_cleared_rule_leaves_the_table_and_a_resize_redraws_from_the_top()
    {
        var size = (Width: 100, Height: 30);
        var output = new StringWriter();
        var renderer = new LiveTableRenderer(output, () => size);
        renderer.Message("leak suspected: rule 'thread-leak' on pid 4242: process_num_threads = 312, rising +2/s over 20s");
        renderer.Message("leak rule 'thread-leak' cleared for pid 4242: process_num_threads = 40, slope 0/s over 20s");
        renderer.Render([Busy(T0)], T0);
        var first = output.ToString().Length;

        size = (80, 24);
        renderer.Render([Busy(T0.AddSeconds(1))], T0.AddSeconds(1));

        var frame = output.ToString()[first..];
        Assert.StartsWith("\u001b[H\u001b[2J", frame, StringComparison.Ordinal);
        Assert.DoesNotContain("leak suspected", frame, StringComparison.Ordinal);
        Assert.True(Screen(frame).Length <= 23);
    }

    [Theory]
    [InlineData("demo_orders_processed_total", 249.876, "250/s")]
    [InlineData("demo_orders_processed_total", 49.975, "50.0/s")]
    [InlineData("process_cpu_seconds_total", 0.0712, "0.071/s")]
    [InlineData("dotnet_gc_heap_total_allocated_bytes_total", 277299, "270.8 KiB/s")]
    public void Rates_carry_the_digits_a_person_compares(string name, double perSecond, string expected) =>
        Assert.Equal(expected, SeriesFormatting.Rate(name, perSecond));
}
