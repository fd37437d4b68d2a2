using LeakWatch.Core.Options;

namespace LeakWatch.Agent.Snapshots;

/// <summary>How one snapshot is taken. Defaults in <see cref="SnapshotDefaults"/>.</summary>
public sealed record SnapshotOptions
{
    public SnapshotRoute Route { get; init; } = SnapshotRoute.Attach;

    /// <summary>The longest the target may stay suspended; past it the walk stops and the snapshot is partial.</summary>
    public TimeSpan MaxPause { get; init; } = SnapshotDefaults.MaxPause;

    /// <summary>
    /// Target memory the capture route may copy (frozen only for the copy, walked with the target running); past it,
    /// or 0, the walk runs with the target frozen, bounded by <see cref="MaxPause"/>. Auto: what the agent's memory
    /// allows when the snapshot starts.
    /// </summary>
    public CopyBudget CopyBudget { get; init; } = SnapshotDefaults.CopyBudget;

    /// <summary>Pending tasks remembered at most (bounds the analyser's memory); past it the snapshot is partial.</summary>
    public int MaxPendingTasks { get; init; } = SnapshotDefaults.MaxPendingTasks;

    /// <summary>Frames read per thread at most.</summary>
    public int MaxFramesPerThread { get; init; } = SnapshotDefaults.MaxFramesPerThread;

    /// <summary>Directory for the temporary dump of <see cref="SnapshotRoute.Dump"/>; null: the system temp directory.</summary>
    public string? DumpDirectory { get; init; }

    /// <summary>Throws a user-facing error for values that cannot work.</summary>
    public void Validate()
    {
        if (MaxPause <= TimeSpan.Zero)
        {
            throw new Core.LeakWatchException(Core.ExitCode.UsageError, "--max-pause must be more than zero, for example 1s.");
        }

        if (MaxPendingTasks <= 0 || MaxFramesPerThread <= 0)
        {
            throw new Core.LeakWatchException(Core.ExitCode.InvalidConfiguration, "Snapshot limits must be positive.");
        }
    }
}
