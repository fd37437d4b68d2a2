namespace LeakWatch.Agent.Actions;

/// <summary>What a snapshot action found, for the actions after it (the webhook shows the top growing groups).</summary>
/// <param name="TopGrowing">Thread stacks and task chains that grew most since the previous snapshot, largest first.</param>
/// <param name="Location">Where the full report was written, if anywhere.</param>
public sealed record SnapshotSummary(IReadOnlyList<GrowingGroup> TopGrowing, string? Location = null);

/// <summary>One group of threads (by stack) or tasks (by async chain) and how it grew.</summary>
/// <param name="Kind">"threads" or "tasks".</param>
/// <param name="Name">The group's headline frame or chain, for example Orders.AckWaiter.WaitForAck.</param>
public sealed record GrowingGroup(string Kind, string Name, int Before, int Now)
{
    public int Delta => Now - Before;
}
