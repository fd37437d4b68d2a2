namespace LeakWatch.Core.Stacks;

/// <summary>
/// One look at a process: its managed threads grouped by stack and its pending async chains grouped by chain.
/// The JSON form (docs/snapshots.md) is a contract: fields are added, never renamed.
/// </summary>
public sealed record StackSnapshot
{
    public required int Pid { get; init; }

    public required string ProcessName { get; init; }

    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>Wall time of the whole snapshot, attach to grouped result.</summary>
    public double DurationMs { get; init; }

    /// <summary>How long the target was suspended (for <c>--via dump</c>: how long the dump took to write).</summary>
    public double PausedMs { get; init; }

    /// <summary>True when the walk stopped early (pause budget spent, target exited): counts are lower bounds.</summary>
    public bool Partial { get; init; }

    /// <summary>Why the snapshot is partial, for people; null when complete.</summary>
    public string? PartialReason { get; init; }

    /// <summary>"attach" (live, suspended), "dump", or "eventpipe" (thread stacks sampled over the diagnostic connection).</summary>
    public string Via { get; init; } = "attach";

    public string? RuntimeVersion { get; init; }

    /// <summary>
    /// For <c>via attach</c>: "capture" (frozen only to copy memory, walked with the target running) or "frozen"
    /// (walked with the target suspended); null for a dump.
    /// </summary>
    public string? Route { get; init; }

    /// <summary>Why the frozen route was taken instead of the capture (over the copy budget), for people; else null.</summary>
    public string? RouteNote { get; init; }

    /// <summary>Bytes of target memory copied by the capture route (0 otherwise): what the snapshot cost in agent memory.</summary>
    public long CopiedBytes { get; init; }

    public ThreadSection Threads { get; init; } = ThreadSection.Empty;

    public TaskSection Tasks { get; init; } = TaskSection.Empty;

    /// <summary>Live timers by callback and period; null when the heap was not walked.</summary>
    public TimerSection? Timers { get; init; }

    /// <summary>Open file descriptors by kind and pattern; null when /proc/PID/fd could not be read.</summary>
    public DescriptorSection? Descriptors { get; init; }

    /// <summary>The heap's type histogram; null when the heap was not walked.</summary>
    public HeapSection? Heap { get; init; }

    /// <summary>Async methods collected unfinished since tracking started, most first; empty when none or not tracked.</summary>
    public IReadOnlyList<DroppedAsyncMethod> DroppedAsync { get; init; } = [];

    /// <summary>Why the async chains were not walked (thread stacks only), null when they were.</summary>
    public string? TaskChainsSkipped { get; init; }

    /// <summary>With <see cref="TaskChainsSkipped"/>: the live pending-operation counts per method, largest first.</summary>
    public IReadOnlyList<PendingOperationCount> PendingOperations { get; init; } = [];
}
