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

    public ThreadSection Threads { get; init; } = ThreadSection.Empty;

    public TaskSection Tasks { get; init; } = TaskSection.Empty;

    /// <summary>Why the async chains were not walked (thread stacks only), null when they were.</summary>
    public string? TaskChainsSkipped { get; init; }

    /// <summary>With <see cref="TaskChainsSkipped"/>: the live pending-operation counts per method, largest first.</summary>
    public IReadOnlyList<PendingOperationCount> PendingOperations { get; init; } = [];
}
