namespace LeakWatch.Core.Async;

/// <summary>Why the pending counts started again from zero; the <c>reason</c> label of <c>leakwatch_async_operations_resets_total</c>.</summary>
public enum TrackingResetReason
{
    /// <summary>The target dropped events (its EventPipe buffer was full): some begins or ends were never seen.</summary>
    EventsLost,

    /// <summary>The event session was restarted: operations that ended in the gap would stay pending forever.</summary>
    Reconnect,

    /// <summary>More pending operations than <see cref="AsyncTrackingOptions.MaxTrackedOperations"/>.</summary>
    TrackingLimit,
}

public static class TrackingResetReasons
{
    public static IReadOnlyList<TrackingResetReason> All { get; } = Enum.GetValues<TrackingResetReason>();

    public static string Label(this TrackingResetReason reason) => reason switch
    {
        TrackingResetReason.EventsLost => "events_lost",
        TrackingResetReason.Reconnect => "reconnect",
        TrackingResetReason.TrackingLimit => "tracking_limit",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
