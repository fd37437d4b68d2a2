namespace LeakWatch.Agent.Snapshots;

/// <summary>Snapshots taken by <c>attach</c> when a leak rule fires. Defaults in <see cref="SnapshotDefaults"/>.</summary>
public sealed record SnapshotRecorderOptions
{
    /// <summary>Where json, txt and folded files go; null writes no files (summary and /metrics only).</summary>
    public string? Directory { get; init; }

    /// <summary>Take a snapshot at attach time, so the first triggered one has something to compare with.</summary>
    public bool Baseline { get; init; }

    public SnapshotOptions Snapshot { get; init; } = new();

    /// <summary>Snapshots kept in <see cref="Directory"/>; older ones are deleted.</summary>
    public int KeepCount { get; init; } = SnapshotDefaults.KeepCount;

    /// <summary>Bytes kept in <see cref="Directory"/> (all snapshot files); the oldest go first, the newest always stays.</summary>
    public long KeepBytes { get; init; } = SnapshotDefaults.KeepBytes;

    /// <summary>A trigger sooner than this after the last snapshot is skipped, so rules firing together freeze the target once.</summary>
    public TimeSpan MinInterval { get; init; } = SnapshotDefaults.MinInterval;

    public int MetricsTopGroups { get; init; } = SnapshotDefaults.MetricsTopGroups;

    public int MetricsLabelLength { get; init; } = SnapshotDefaults.MetricsLabelLength;

    /// <summary>Lines of "what grew" printed in the summary.</summary>
    public int SummaryHeadlines { get; init; } = 3;
}
