using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Tests.Samples;

public class EventCounterSampleTranslatorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static EventCounterMeasurement Counter(string name, double value, bool increment = false, string provider = "System.Runtime") =>
        new(At, provider, name, increment, value, null);

    [Theory]
    [InlineData("threadpool-thread-count", false, 5, "dotnet_thread_pool_thread_count", 5)]
    [InlineData("threadpool-queue-length", false, 3, "dotnet_thread_pool_queue_length", 3)]
    [InlineData("active-timer-count", false, 9, "dotnet_timer_count", 9)]
    [InlineData("working-set", false, 45, "dotnet_process_memory_working_set_bytes", 45_000_000)]
    [InlineData("total-pause-time-by-gc", false, 1500, "dotnet_gc_pause_time_seconds_total", 1.5)]
    [InlineData("time-in-gc", false, 12, "dotnet_gc_time_in_gc_ratio", 0.12)]
    [InlineData("methods-jitted-count", false, 800, "dotnet_jit_compiled_methods_total", 800)]
    public void Runtime_counters_map_onto_meter_names_in_base_units(string counter, bool increment, double value, string expectedName, double expectedValue)
    {
        var sample = Assert.Single(new EventCounterSampleTranslator().Translate(Counter(counter, value, increment)));

        Assert.Equal(expectedName, sample.Name);
        Assert.Equal(expectedValue, sample.Value, 6);
    }

    [Fact]
    public void Sum_counters_accumulate_increments_into_a_total()
    {
        var translator = new EventCounterSampleTranslator();

        translator.Translate(Counter("exception-count", 2, increment: true)).ToList();
        var sample = Assert.Single(translator.Translate(Counter("exception-count", 3, increment: true)));

        Assert.Equal("dotnet_exceptions_total", sample.Name);
        Assert.Equal(MetricKind.Counter, sample.Kind);
        Assert.Equal(5, sample.Value);
    }

    [Fact]
    public void Generation_counts_become_collections_whose_highest_generation_was_n()
    {
        // gen-0-gc-count counts gen0 collections inside gen1 and gen2 ones too; the meter does not.
        var translator = new EventCounterSampleTranslator();
        translator.Translate(Counter("gen-0-gc-count", 10, increment: true)).ToList();
        translator.Translate(Counter("gen-1-gc-count", 4, increment: true)).ToList();
        var samples = translator.Translate(Counter("gen-2-gc-count", 1, increment: true)).ToList();

        Assert.Equal(
            ["gen0=6", "gen1=3", "gen2=1"],
            samples.Select(s => $"{s.Labels["gc_heap_generation"]}={s.Value}"));
        Assert.All(samples, s => Assert.Equal("dotnet_gc_collections_total", s.Name));
    }

    [Fact]
    public void Other_providers_get_names_of_their_own()
    {
        var sample = Assert.Single(new EventCounterSampleTranslator().Translate(Counter("requests-per-second", 4, increment: true, provider: "Microsoft.AspNetCore.Hosting")));

        Assert.Equal("dotnet_eventcounters_microsoft_aspnetcore_hosting_requests_per_second_total", sample.Name);
    }

    [Fact]
    public void Cpu_usage_is_left_to_proc()
    {
        Assert.Empty(new EventCounterSampleTranslator().Translate(Counter("cpu-usage", 30)));
    }
}
