using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>What a walk of the target read, before grouping: plain strings, so nothing refers to the target any more.</summary>
internal sealed record RawWalk(
    List<IReadOnlyList<string?>> ThreadStacks,
    List<RawTaskChain> Chains,
    int PendingTasks,
    string? StopReason,
    string? RuntimeVersion);
