using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

/// <summary>Snapshots of the EventPipe route: thread stacks, no chains, the live pending-operation counts instead.</summary>
public class ThreadStacksOnlySnapshotTests
{
    private const string Skipped = "the app is in another pid namespace";

    [Fact]
    public void Pending_operations_that_grew_are_headlines_beside_threads()
    {
        var before = Snapshot(threads: 10, ("Payments.Gateway.ChargeAsync", 100), ("Catalog.Search.QueryAsync", 7));
        var now = Snapshot(threads: 12, ("Payments.Gateway.ChargeAsync", 500), ("Catalog.Search.QueryAsync", 3));

        var diff = SnapshotDiff.Compare(before, now);

        Assert.Equal(["+400 pending operations in Payments.Gateway.ChargeAsync (now 500)", "+2 threads in Orders.AckWaiter.WaitForAck (now 12)"], diff.Headlines(5));
    }

    [Fact]
    public void Chains_are_compared_only_with_a_snapshot_that_walked_them()
    {
        var walked = Snapshot(threads: 1) with
        {
            TaskChainsSkipped = null,
            Tasks = new TaskSection(30, [new TaskChainGroup(30, ["TaskCompletionSource.Task", "Payments.Gateway.ChargeAsync (state 0)"])]),
        };
        var threadsOnly = Snapshot(threads: 1);
        var walkedAgain = walked with { Tasks = new TaskSection(35, [new TaskChainGroup(35, walked.Tasks.Groups[0].Chain)]) };

        Assert.Equal(5, SnapshotDiff.Compare(walked, walkedAgain).PendingTaskDelta);
        // After a thread-stacks-only snapshot nothing is known about chains: they count from zero, as without a baseline.
        Assert.Equal(35, SnapshotDiff.Compare(threadsOnly, walkedAgain).PendingTaskDelta);
    }

    [Fact]
    public void Json_keeps_why_chains_were_skipped_and_the_counts()
    {
        var snapshot = Snapshot(threads: 3, ("Payments.Gateway.ChargeAsync", 42));

        var json = JsonReportWriter.ToJson(snapshot, indented: false);
        var read = JsonReportWriter.Parse(json);

        Assert.Contains("\"chainsSkipped\":\"the app is in another pid namespace\"", json, StringComparison.Ordinal);
        Assert.Equal(Skipped, read.TaskChainsSkipped);
        Assert.Equal(snapshot.PendingOperations, read.PendingOperations);
        Assert.Equal("eventpipe", read.Via);
    }

    [Fact]
    public void Text_says_chains_were_not_walked_and_why_then_lists_the_counts()
    {
        var text = ReportWriter.ToText(Snapshot(threads: 3, ("Payments.Gateway.ChargeAsync", 42)), ReportFormat.Text);

        Assert.Contains($"Tasks: async chains not walked: {Skipped}.", text, StringComparison.Ordinal);
        Assert.Contains("42  Payments.Gateway.ChargeAsync", text, StringComparison.Ordinal);
    }

    private static StackSnapshot Snapshot(int threads, params (string Method, long Pending)[] operations) => new()
    {
        Pid = 1,
        ProcessName = "Orders",
        TakenAt = DateTimeOffset.UnixEpoch,
        Via = "eventpipe",
        Threads = new ThreadSection(threads, [new ThreadGroup(threads, ["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"])]),
        TaskChainsSkipped = Skipped,
        PendingOperations = operations.Select(o => new PendingOperationCount(o.Method, o.Pending)).ToList(),
    };
}
