namespace LeakWatch.Core.Stacks;

/// <summary>A group that grew between two snapshots: by <see cref="Delta"/>, to <see cref="Now"/>.</summary>
/// <param name="Kind">"threads" or "tasks".</param>
/// <param name="Name">The group's headline: the innermost application frame, or the innermost async method.</param>
/// <param name="Frames">The group's frames (or chain), as in the snapshot.</param>
public sealed record GroupGrowth(string Kind, string Name, IReadOnlyList<string> Frames, int Before, int Now)
{
    public int Delta => Now - Before;

    /// <summary>"+312 threads in Orders.AckWaiter.WaitForAck (now 1000)".</summary>
    public string Headline => Kind == SnapshotDiff.TasksKind && Frames.Count > 1
        ? $"+{Delta} tasks in {Name} awaiting {Frames[0]} (now {Now})"
        : $"+{Delta} {Kind} in {Name} (now {Now})";
}
