namespace LeakWatch.Core.Rules;

/// <summary>
/// Documented defaults (docs/rules.md explains each number) and the built-in rules that run with no configuration.
/// The floors sit between what the test app's healthy-but-noisy scenario produces and the smallest leak the
/// rules must catch within 30 s: 2 threads/s, 20 timers/s, 40 task chains/s.
/// </summary>
public static class RuleDefaults
{
    public static readonly IReadOnlyDictionary<string, string> NoMatch = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Slope window: long enough that one spike cannot carry it, short enough to fire within 30 s.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(20);

    /// <summary>Growth must last this long past a full window before the rule fires.</summary>
    public static readonly TimeSpan GrowthFor = TimeSpan.FromSeconds(3);

    /// <summary>A value must stay above its threshold this long.</summary>
    public static readonly TimeSpan ThresholdFor = TimeSpan.FromSeconds(10);

    /// <summary>k in "mean + k standard deviations" of the healthy slopes.</summary>
    public const double BaselineDeviations = 3;

    /// <summary>Healthy time before the baseline takes part.</summary>
    public static readonly TimeSpan Warmup = TimeSpan.FromMinutes(1);

    public const int Slices = 5;

    /// <summary>3 of the 4 slice-to-slice steps must rise: a burst that comes back cannot, a leak does.</summary>
    public const double MinRisingFraction = 0.75;

    /// <summary>A silence longer than this many sampling intervals restarts the window rather than bridge it.</summary>
    public const double GapIntervals = 3;

    /// <summary>Healthy slopes kept for the baseline (one per sample: 10 minutes at 1 s).</summary>
    public const int BaselineCapacity = 600;

    public static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);

    public const int MaxActions = 3;

    public static readonly TimeSpan ActionWindow = TimeSpan.FromHours(1);

    public const string ThreadLeak = "thread-leak";
    public const string TaskLeak = "task-leak";
    public const string TimerLeak = "timer-leak";
    public const string ThreadPoolStarvation = "threadpool-starvation";
    public const string FdLeak = "fd-leak";

    /// <summary>The rules that run unless <c>--no-default-rules</c>; a rules file entry with the same name overrides fields.</summary>
    public static readonly IReadOnlyList<RuleOptions> BuiltIn =
    [
        new()
        {
            Name = ThreadLeak,
            Series = "process_num_threads",
            MinSlope = 1.0,
            // Where /proc is not visible (a sidecar in its own pid namespace): the runtime's count of its threads.
            Fallback = new SignalOptions { Series = "leakwatch_managed_threads", MinSlope = 1.0 },
        },
        new()
        {
            Name = TaskLeak,
            Series = "leakwatch_async_operations_pending",
            Aggregate = SeriesAggregation.Sum,
            MinSlope = 10,
            // Until the async-operations signal exists for a process: retained heap growth, deliberately coarse.
            Fallback = new SignalOptions
            {
                Series = "dotnet_gc_last_collection_heap_size_bytes",
                Aggregate = SeriesAggregation.Sum,
                MinSlope = 1024 * 1024,
            },
        },
        new()
        {
            Name = TimerLeak,
            Series = "dotnet_timer_count",
            MinSlope = 5,
        },
        new()
        {
            Name = ThreadPoolStarvation,
            Series = "dotnet_thread_pool_queue_length",
            MinSlope = 5,
            While = new SignalOptions { Series = "dotnet_thread_pool_thread_count", MinSlope = 0.2 },
        },
        new()
        {
            Name = FdLeak,
            Series = "process_open_fds",
            MinSlope = 1.0,
        },
    ];
}
