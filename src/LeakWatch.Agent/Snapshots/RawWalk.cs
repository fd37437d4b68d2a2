using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>What a walk of the target read, before grouping: plain strings, so nothing refers to the target any more.</summary>
internal sealed record RawWalk(
    List<IReadOnlyList<string?>> ThreadStacks,
    List<RawTaskChain> Chains,
    int PendingTasks,
    string? StopReason,
    string? RuntimeVersion)
{
    /// <summary>The heap's type histogram; null when the heap was not walked.</summary>
    public HeapSection? Heap { get; init; }

    /// <summary>Live timers by callback; null when the heap was not walked.</summary>
    public TimerSection? Timers { get; init; }
}
