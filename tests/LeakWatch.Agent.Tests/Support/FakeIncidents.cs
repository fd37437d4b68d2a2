using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Rules;
using LeakWatch.Core.Samples;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Tests.Support;

/// <summary>Triggers and snapshots made up for the action and snapshot tests.</summary>
public static class FakeIncidents
{
    public static LeakTrigger Trigger(string rule = "thread-leak", TargetProcess? target = null)
    {
        var process = target ?? Fakes.Orders;
        return new LeakTrigger(process, new RuleVerdict(
            rule, RuleKind.Growth, VerdictKind.Fired, process.Pid, "process_num_threads", LabelSet.Empty,
            ManualTime.Start, 60, 2.075, 2.0, TimeSpan.FromSeconds(20), null, null));
    }

    /// <summary>A snapshot with <paramref name="waiters"/> threads in Orders.AckWaiter.WaitForAck and as many pending ChargeAsync chains.</summary>
    public static StackSnapshot Snapshot(TargetProcess target, int waiters, DateTimeOffset at, bool partial = false) => new()
    {
        Pid = target.Pid,
        ProcessName = target.Name,
        TakenAt = at,
        Partial = partial,
        PartialReason = partial ? "pause budget spent" : null,
        Threads = new ThreadSection(waiters + 1, [
            new ThreadGroup(waiters, ["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"]),
            new ThreadGroup(1, ["Program.Main"]),
        ]),
        Tasks = new TaskSection(waiters, [new TaskChainGroup(waiters, ["TaskCompletionSource.Task", "Payments.Gateway.ChargeAsync (state 0)"])]),
    };
}

/// <summary>
/// Snapshots from a script instead of a live target: the next one has <see cref="Waiters"/> waiting threads, or
/// <see cref="Failure"/> is thrown. Records every call.
/// </summary>
public sealed class ScriptedSnapshots(TimeProvider time) : ISnapshotTaker
{
    public int Waiters { get; set; } = 10;

    public bool Partial { get; set; }

    public Exception? Failure { get; set; }

    public List<string> Calls { get; } = [];

    public Task<StackSnapshot> TakeAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
    {
        lock (Calls)
        {
            Calls.Add($"snapshot {target.Pid}");
        }

        return Failure is { } failure
            ? Task.FromException<StackSnapshot>(failure)
            : Task.FromResult(FakeIncidents.Snapshot(target, Waiters, time.GetUtcNow(), Partial));
    }
}
