namespace LeakWatch.Core.Stacks;

/// <summary>Every managed thread, grouped by normalised stack, largest group first.</summary>
public sealed record ThreadSection(int Total, IReadOnlyList<ThreadGroup> Groups)
{
    public static ThreadSection Empty { get; } = new(0, []);
}
