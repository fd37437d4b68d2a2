namespace LeakWatch.Core.Async;

/// <summary>A consistent copy of the tracker's state, for reporting.</summary>
/// <param name="Methods">Counts per operation key.</param>
/// <param name="Since">When counting (re)started: operations that began earlier are unknown.</param>
/// <param name="Generation">Goes up by one at every reset, so a reader knows the counts started again.</param>
/// <param name="Resets">Resets since attach, by reason.</param>
/// <param name="UntrackedEnds">Ends whose begin was never seen (operations that began before tracking started), since attach.</param>
/// <param name="LastReset">The latest reset's reason, or null when there was none.</param>
public sealed record AsyncTrackingSnapshot(
    IReadOnlyList<AsyncMethodCount> Methods,
    DateTimeOffset Since,
    long Generation,
    IReadOnlyDictionary<TrackingResetReason, long> Resets,
    long UntrackedEnds,
    TrackingResetReason? LastReset);
