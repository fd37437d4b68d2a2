using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class SnapshotDiffTests
{
    private static readonly string[] AckWait = ["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"];
    private static readonly string[] LockWait = ["System.Threading.Monitor.Wait", "Inventory.Locks.WaitForLock"];
    private static readonly string[] Settlement = ["TaskCompletionSource.Task", "Payments.Gateway.AwaitSettlementAsync (state 0)", "Payments.Gateway.ChargeAsync (state 0)"];

    public static TheoryData<int, int, int, int, string[]> Cases => new()
    {
        // ack threads before/after, lock threads before/after, expected headlines
        { 688, 1000, 5, 5, ["+312 threads in Orders.AckWaiter.WaitForAck (now 1000)", "+40 tasks in Payments.Gateway.AwaitSettlementAsync awaiting TaskCompletionSource.Task (now 50)"] },
        { 10, 10, 5, 6, ["+40 tasks in Payments.Gateway.AwaitSettlementAsync awaiting TaskCompletionSource.Task (now 50)", "+1 threads in Inventory.Locks.WaitForLock (now 6)"] },
        { 0, 3, 5, 2, ["+40 tasks in Payments.Gateway.AwaitSettlementAsync awaiting TaskCompletionSource.Task (now 50)", "+3 threads in Orders.AckWaiter.WaitForAck (now 3)"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Headlines_are_the_groups_that_grew_largest_first(int ackBefore, int ackNow, int lockBefore, int lockNow, string[] expected)
    {
        var before = Snapshot((ackBefore, AckWait), (lockBefore, LockWait), tasks: 10);
        var now = Snapshot((ackNow, AckWait), (lockNow, LockWait), tasks: 50);

        var diff = SnapshotDiff.Compare(before, now);

        Assert.Equal(expected, diff.Headlines(5));
        Assert.Equal(ackNow + lockNow - ackBefore - lockBefore, diff.ThreadTotalDelta);
    }

    [Fact]
    public void Without_a_previous_snapshot_every_group_grew_from_zero()
    {
        var diff = SnapshotDiff.Compare(null, Snapshot((2, AckWait), (1, LockWait), tasks: 4));
        Assert.Equal([4, 2, 1], diff.All.Select(g => g.Delta));
    }

    private static StackSnapshot Snapshot((int Count, string[] Frames) first, (int Count, string[] Frames) second, int tasks) => new()
    {
        Pid = 42,
        ProcessName = "Orders",
        TakenAt = DateTimeOffset.UnixEpoch,
        Threads = new ThreadSection(
            first.Count + second.Count,
            new[] { first, second }.Where(g => g.Count > 0).Select(g => new ThreadGroup(g.Count, g.Frames)).ToList()),
        Tasks = new TaskSection(tasks * 3, [new TaskChainGroup(tasks, Settlement)]),
    };
}
