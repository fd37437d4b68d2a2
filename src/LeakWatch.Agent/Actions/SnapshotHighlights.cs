namespace LeakWatch.Agent.Actions;

/// <summary>What a snapshot action found, for the actions after it (the webhook shows the top growing groups).</summary>
/// <param name="TopGrowing">Thread stacks and task chains that grew most since the previous snapshot, largest first.</param>
/// <param name="Location">Where the full report was written, if anywhere.</param>
public sealed record SnapshotHighlights(IReadOnlyList<GrowingGroup> TopGrowing, string? Location = null)
{
    /// <summary>Async methods collected unfinished, most first (from the snapshot's report).</summary>
    public IReadOnlyList<Core.Stacks.DroppedAsyncMethod> DroppedAsync { get; init; } = [];
}
