using System.Globalization;
using LeakWatch.Core.Samples;

namespace LeakWatch.Cli.Rendering;

/// <summary>What the views show first, and how values read for a person.</summary>
internal static class SeriesFormatting
{
    /// <summary>The leak signals, in the order a person scans for them; everything else follows by name.</summary>
    public static readonly IReadOnlyList<(string Name, string Short)> Headline =
    [
        ("process_num_threads", "threads"),
        ("dotnet_thread_pool_thread_count", "pool_threads"),
        ("dotnet_thread_pool_queue_length", "queue"),
        ("dotnet_timer_count", "timers"),
        ("process_open_fds", "fds"),
        ("process_resident_memory_bytes", "rss"),
        ("dotnet_gc_heap_size_bytes", "gc_heap"),
        ("process_cpu_seconds_total", "cpu_s"),
        ("leakwatch_async_operations_pending", "async_pending"),
    ];

    /// <summary>A silence, in whole seconds: "12s".</summary>
    public static string Seconds(TimeSpan duration) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Math.Floor(duration.TotalSeconds):0}s");

    public static int Rank(string name)
    {
        for (var i = 0; i < Headline.Count; i++)
        {
            if (Headline[i].Name == name)
            {
                return i;
            }
        }

        return Headline.Count;
    }

    public static IEnumerable<MetricSample> Ordered(IEnumerable<MetricSample> samples) =>
        samples.OrderBy(s => Rank(s.Name)).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Labels.ToString(), StringComparer.Ordinal);

    public static string Value(string name, double value)
    {
        if (name.EndsWith("_bytes", StringComparison.Ordinal) || name.EndsWith("_bytes_total", StringComparison.Ordinal))
        {
            string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
            var unit = 0;
            while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }

            return unit == 0 ? $"{value.ToString("0", CultureInfo.InvariantCulture)} B" : $"{value.ToString("0.0", CultureInfo.InvariantCulture)} {units[unit]}";
        }

        return value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>A per-second rate with as many digits as a person compares: 250/s, 49.9/s, 0.07/s.</summary>
    public static string Rate(string name, double perSecond)
    {
        if (name.EndsWith("_bytes", StringComparison.Ordinal) || name.EndsWith("_bytes_total", StringComparison.Ordinal))
        {
            return Value(name, perSecond) + "/s";
        }

        var format = Math.Abs(perSecond) switch
        {
            >= 100 => "0",
            >= 1 => "0.0",
            _ => "0.###",
        };
        return perSecond.ToString(format, CultureInfo.InvariantCulture) + "/s";
    }
}
