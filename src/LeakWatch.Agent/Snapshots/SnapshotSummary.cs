using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>What one triggered snapshot produced: the snapshot, what grew since the previous one, the files written.</summary>
public sealed record SnapshotSummary
{
    public required string Reason { get; init; }

    /// <summary>Null when the trigger was skipped (see <see cref="SkippedBecause"/>).</summary>
    public StackSnapshot? Snapshot { get; init; }

    public SnapshotDiff? Diff { get; init; }

    /// <summary>When the compared snapshot was taken; null when there was none.</summary>
    public DateTimeOffset? ComparedWith { get; init; }

    public IReadOnlyList<string> Files { get; init; } = [];

    public string? SkippedBecause { get; init; }

    /// <summary>Lines for the terminal: one summary line, then the largest growths.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];
}
