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

    /// <summary>
    /// A long span is cut finer than the short one: with five slices, a cache that fills over 2 of 5 minutes can rise in
    /// 3 of 4 steps; with ten, growth has to last about three quarters of the span (7 of 9 steps), which a fill, a
    /// warm-up or a burst does not.
    /// </summary>
    public const int LongWindowSlices = 10;

    /// <summary>A long window keeps about this many points (one median per span ÷ this), whatever its span.</summary>
    public const int LongWindowPoints = 60;

    /// <summary>The second span: a leak of a tenth of the short floor fires within about 5 minutes (0.2 threads/s within 10).</summary>
    public static readonly TimeSpan MediumWindow = TimeSpan.FromMinutes(5);

    /// <summary>The third span: a fortieth of the short floor fires within about 20 minutes (0.05 threads/s within 30).</summary>
    public static readonly TimeSpan SlowWindow = TimeSpan.FromMinutes(20);

    /// <summary>Long spans as fractions of the short floor: 1/10 over 5 minutes, 1/40 over 20.</summary>
    public static IReadOnlyList<GrowthWindowOptions> LongWindowsFor(double shortFloor) =>
    [
        new() { Window = MediumWindow, MinSlope = shortFloor / 10 },
        new() { Window = SlowWindow, MinSlope = shortFloor / 40 },
    ];

    public static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);

    public const int MaxActions = 3;

    public static readonly TimeSpan ActionWindow = TimeSpan.FromHours(1);

    public const string ThreadLeak = "thread-leak";
    public const string TaskLeak = "task-leak";
    public const string TimerLeak = "timer-leak";
    public const string ThreadPoolStarvation = "threadpool-starvation";
    public const string FdLeak = "fd-leak";
    public const string HeapLeak = "heap-leak";
    public const string AsyncDropped = "async-dropped";

    /// <summary>Heap-leak floors: 128 KiB/s over 5 minutes, 16 KiB/s over 20 (about 19 MB either way).</summary>
    public const double HeapLeakFloor = 128 * 1024;

    /// <summary>The rules that run unless <c>--no-default-rules</c>; a rules file entry with the same name overrides fields.</summary>
    public static readonly IReadOnlyList<RuleOptions> BuiltIn =
    [
        new()
        {
            Name = ThreadLeak,
            Series = "process_num_threads",
            MinSlope = 1.0,
            LongWindows = LongWindowsFor(1.0),
            // Where /proc is not visible (a sidecar in its own pid namespace): the runtime's count of its threads.
            Fallback = new SignalOptions { Series = "leakwatch_managed_threads", MinSlope = 1.0 },
        },
        new()
        {
            Name = TaskLeak,
            Series = "leakwatch_async_operations_pending",
            Aggregate = SeriesAggregation.Sum,
            MinSlope = 10,
            LongWindows = LongWindowsFor(10),
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
            LongWindows = LongWindowsFor(5),
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
            LongWindows = LongWindowsFor(1.0),
        },
        new()
        {
            // Retained heap changes only at full collections, so its spans are long and cut in five: a cache that fills
            // within a minute rises in at most two of the 5-minute span's slices.
            Name = HeapLeak,
            Series = Samples.RetainedHeap.Series,
            MinSlope = HeapLeakFloor,
            Window = MediumWindow,
            LongWindows = [new() { Window = SlowWindow, MinSlope = HeapLeakFloor / 8, Slices = Slices }],
        },
        new()
        {
            // A counter: its slope is the rate of drops. A drop in each 30 s slice of 2 minutes, or (20 minutes) one in
            // 7 of 9 two-minute slices: it keeps happening, not a one-off at shutdown of some component.
            Name = AsyncDropped,
            Series = Async.AsyncOperationMetrics.Dropped,
            Aggregate = SeriesAggregation.Sum,
            MinSlope = 0.05,
            Window = TimeSpan.FromMinutes(2),
            Slices = 4,
            LongWindows = [new() { Window = SlowWindow, MinSlope = 0.005 }],
        },
    ];
}
