using LeakWatch.Core.Naming;

namespace LeakWatch.Core.Samples;

/// <summary>
/// Maps the System.Runtime EventCounters of runtimes without the System.Runtime meter (.NET 8) onto the
/// meter's Prometheus names where the meaning is the same, so one dashboard serves both. Counters whose
/// meaning differs get names of their own. Stateful: "Sum" counters publish increments, which it adds up.
/// </summary>
public sealed class EventCounterSampleTranslator
{
    private const double BytesPerMegabyte = 1_000_000; // EventCounters' "MB" is GC.GetTotalMemory() / 1e6.

    private readonly Dictionary<string, double> _totals = new(StringComparer.Ordinal);

    private sealed record Mapping(string Name, MetricKind Kind, double Scale, string Help, string? Generation = null);

    private static readonly Dictionary<string, Mapping> RuntimeCounters = new(StringComparer.Ordinal)
    {
        ["threadpool-thread-count"] = new("dotnet_thread_pool_thread_count", MetricKind.Gauge, 1, "The number of thread pool threads that currently exist."),
        ["threadpool-queue-length"] = new("dotnet_thread_pool_queue_length", MetricKind.Gauge, 1, "The number of work items that are currently queued to be processed by the thread pool."),
        ["threadpool-completed-items-count"] = new("dotnet_thread_pool_work_item_count_total", MetricKind.Counter, 1, "The number of work items that the thread pool has completed since the process start."),
        ["active-timer-count"] = new("dotnet_timer_count", MetricKind.Gauge, 1, "The number of timer instances that are currently active."),
        ["alloc-rate"] = new("dotnet_gc_heap_total_allocated_bytes_total", MetricKind.Counter, 1, "The approximate number of bytes allocated on the managed GC heap since the process start."),
        ["monitor-lock-contention-count"] = new("dotnet_monitor_lock_contentions_total", MetricKind.Counter, 1, "The number of times there was contention when trying to acquire a monitor lock since the process start."),
        ["exception-count"] = new("dotnet_exceptions_total", MetricKind.Counter, 1, "The number of exceptions that have been thrown in managed code."),
        ["assembly-count"] = new("dotnet_assembly_count", MetricKind.Gauge, 1, "The number of .NET assemblies that are currently loaded."),
        ["methods-jitted-count"] = new("dotnet_jit_compiled_methods_total", MetricKind.Counter, 1, "The number of times the JIT compiler (re)compiled methods."),
        ["il-bytes-jitted"] = new("dotnet_jit_compiled_il_size_bytes_total", MetricKind.Counter, 1, "Count of bytes of intermediate language that have been compiled since the process start."),
        ["time-in-jit"] = new("dotnet_jit_compilation_time_seconds_total", MetricKind.Counter, 0.001, "The amount of time the JIT compiler has spent compiling methods."),
        ["total-pause-time-by-gc"] = new("dotnet_gc_pause_time_seconds_total", MetricKind.Counter, 0.001, "The total amount of time paused in GC since the process start."),
        ["working-set"] = new("dotnet_process_memory_working_set_bytes", MetricKind.Gauge, BytesPerMegabyte, "The number of bytes of physical memory mapped to the process context."),
        ["gc-committed"] = new("dotnet_gc_last_collection_memory_committed_size_bytes", MetricKind.Gauge, BytesPerMegabyte, "The amount of committed virtual memory in use by the .NET GC, as observed during the latest garbage collection."),
        ["gen-0-size"] = new("dotnet_gc_last_collection_heap_size_bytes", MetricKind.Gauge, 1, "The managed GC heap size (including fragmentation), as observed during the latest garbage collection.", "gen0"),
        ["gen-1-size"] = new("dotnet_gc_last_collection_heap_size_bytes", MetricKind.Gauge, 1, "The managed GC heap size (including fragmentation), as observed during the latest garbage collection.", "gen1"),
        ["gen-2-size"] = new("dotnet_gc_last_collection_heap_size_bytes", MetricKind.Gauge, 1, "The managed GC heap size (including fragmentation), as observed during the latest garbage collection.", "gen2"),
        ["loh-size"] = new("dotnet_gc_last_collection_heap_size_bytes", MetricKind.Gauge, 1, "The managed GC heap size (including fragmentation), as observed during the latest garbage collection.", "loh"),
        ["poh-size"] = new("dotnet_gc_last_collection_heap_size_bytes", MetricKind.Gauge, 1, "The managed GC heap size (including fragmentation), as observed during the latest garbage collection.", "poh"),
        // No meter equivalent: names of their own, in base units.
        ["gc-heap-size"] = new("dotnet_gc_heap_size_bytes", MetricKind.Gauge, BytesPerMegabyte, "Bytes thought to be allocated on the managed heap (GC.GetTotalMemory), from the gc-heap-size EventCounter."),
        ["time-in-gc"] = new("dotnet_gc_time_in_gc_ratio", MetricKind.Gauge, 0.01, "Fraction of time spent in GC since the last GC, from the time-in-gc EventCounter."),
        ["gc-fragmentation"] = new("dotnet_gc_fragmentation_ratio", MetricKind.Gauge, 0.01, "Fraction of the GC heap that is fragmented, from the gc-fragmentation EventCounter."),
    };

    // gen-N-gc-count counts every collection of generation N, including those inside higher-generation
    // collections; the meter's dotnet.gc.collections{gen=N} counts collections whose highest generation was N.
    private static readonly string[] GenerationCountCounters = ["gen-0-gc-count", "gen-1-gc-count", "gen-2-gc-count"];

    public IEnumerable<MetricSample> Translate(EventCounterMeasurement measurement)
    {
        if (measurement.ProviderName != "System.Runtime")
        {
            yield return Generic(measurement);
            yield break;
        }

        var generationIndex = Array.IndexOf(GenerationCountCounters, measurement.CounterName);
        if (generationIndex >= 0)
        {
            Accumulate(measurement.CounterName, measurement.Value);
            foreach (var sample in GenerationCollections(measurement.Timestamp))
            {
                yield return sample;
            }

            yield break;
        }

        if (!RuntimeCounters.TryGetValue(measurement.CounterName, out var mapping))
        {
            if (measurement.CounterName != "cpu-usage") // /proc gives process_cpu_seconds_total instead.
            {
                yield return Generic(measurement);
            }

            yield break;
        }

        var value = measurement.Value * mapping.Scale;
        if (mapping.Kind == MetricKind.Counter && measurement.IsIncrement)
        {
            value = Accumulate(mapping.Name, value);
        }

        var labels = mapping.Generation is null ? LabelSet.Empty : LabelSet.Of(("gc_heap_generation", mapping.Generation));
        yield return new MetricSample(mapping.Name, mapping.Kind, value, measurement.Timestamp, labels, mapping.Help);
    }

    private IEnumerable<MetricSample> GenerationCollections(DateTimeOffset timestamp)
    {
        var totals = GenerationCountCounters.Select(c => _totals.GetValueOrDefault(c)).ToArray();
        for (var generation = 0; generation < totals.Length; generation++)
        {
            var higher = generation + 1 < totals.Length ? totals[generation + 1] : 0;
            yield return new MetricSample(
                "dotnet_gc_collections_total",
                MetricKind.Counter,
                Math.Max(0, totals[generation] - higher),
                timestamp,
                LabelSet.Of(("gc_heap_generation", $"gen{generation}")),
                "The number of garbage collections that have occurred since the process start.");
        }
    }

    private MetricSample Generic(EventCounterMeasurement measurement)
    {
        var provider = PrometheusNaming.Sanitize(measurement.ProviderName.ToLowerInvariant(), allowColon: false);
        var counter = PrometheusNaming.Sanitize(measurement.CounterName.ToLowerInvariant(), allowColon: false);
        var name = $"dotnet_eventcounters_{provider}_{counter}";
        if (measurement.IsIncrement)
        {
            return new MetricSample(
                name + "_total", MetricKind.Counter, Accumulate(name, measurement.Value), measurement.Timestamp, LabelSet.Empty,
                $"Sum of the increments of EventCounter {measurement.CounterName} of {measurement.ProviderName} since attach.");
        }

        return new MetricSample(
            name, MetricKind.Gauge, measurement.Value, measurement.Timestamp, LabelSet.Empty,
            $"EventCounter {measurement.CounterName} of {measurement.ProviderName} ({measurement.DisplayUnits}).");
    }

    private double Accumulate(string key, double increment)
    {
        var total = _totals.GetValueOrDefault(key) + increment;
        _totals[key] = total;
        return total;
    }
}
