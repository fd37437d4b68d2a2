using LeakWatch.Core.Options;

namespace LeakWatch.Agent.Snapshots;

/// <summary>Documented defaults of snapshots (docs/snapshots.md).</summary>
public static class SnapshotDefaults
{
    /// <summary>1 s: a cold walk of 1 000 threads and 10 000 chains fits; a target is never frozen for longer.</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Auto: the capture route copies what the agent's memory allows when the snapshot starts (the agent holds the
    /// copy during the walk): about 120 MiB under the 256Mi sidecar limit of deploy/, up to 1 GiB on a host with
    /// room. Larger targets are walked frozen.
    /// </summary>
    public static readonly CopyBudget CopyBudget = CopyBudget.Auto;

    /// <summary>2 million pending tasks (about 100 MB of analyser memory at worst).</summary>
    public const int MaxPendingTasks = 2_000_000;

    public const int MaxFramesPerThread = 512;

    /// <summary>Snapshots kept in --snapshot-dir (each is a json, a txt and a folded file).</summary>
    public const int KeepCount = 20;

    /// <summary>Bytes kept in --snapshot-dir, all snapshot files together.</summary>
    public const long KeepBytes = 100L * 1024 * 1024;

    /// <summary>30 s between triggered snapshots at least: several rules firing at once pause the target once.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(30);

    /// <summary>Groups of each kind published on /metrics.</summary>
    public const int MetricsTopGroups = 10;

    /// <summary>Longest value of the stack/chain label on /metrics; longer values are cut with an ellipsis.</summary>
    public const int MetricsLabelLength = 200;
}
