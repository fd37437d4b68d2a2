namespace LeakWatch.Agent.Snapshots;

/// <summary>How a snapshot reads the target.</summary>
public enum SnapshotRoute
{
    /// <summary>ptrace attach with the target suspended for the walk: fast, needs ptrace rights.</summary>
    Attach,

    /// <summary>A heap dump written through the diagnostic port, analysed, then deleted: for when ptrace is refused.</summary>
    Dump,

    /// <summary>Thread stacks only, sampled over the diagnostic connection: no ptrace, no shared namespace, a pause of milliseconds.</summary>
    EventPipe,
}

/// <summary>The <c>--snapshot-via</c> words (validated by the setting before they get here).</summary>
public static class SnapshotRoutes
{
    public static SnapshotRoute Parse(string? via) => via?.Trim().ToLowerInvariant() switch
    {
        "dump" => SnapshotRoute.Dump,
        "eventpipe" => SnapshotRoute.EventPipe,
        _ => SnapshotRoute.Attach,
    };
}
