using LeakWatch.Agent.Targets;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Takes one snapshot of a target: <see cref="SnapshotService"/> (ClrMD, the live target). The recorder depends on
/// this alone, so its spacing, comparison and files are tested with snapshots made up in the agent's tests.
/// </summary>
public interface ISnapshotTaker
{
    Task<StackSnapshot> TakeAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation);
}
