namespace LeakWatch.Core.Stacks;

/// <summary>
/// Pending tasks: <see cref="Pending"/> counts every not-completed Task on the heap; <see cref="Groups"/> groups the
/// async chains (one per outermost pending async method), largest first.
/// </summary>
public sealed record TaskSection(int Pending, IReadOnlyList<TaskChainGroup> Groups)
{
    public static TaskSection Empty { get; } = new(0, []);
}
