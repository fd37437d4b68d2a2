using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class StackGrouperTests
{
    [Fact]
    public void GroupThreads_counts_identical_normalised_stacks_largest_first()
    {
        string?[] tier0 = ["System.Threading.Monitor.Wait(System.Object, Int32)", "System.Threading.ManualResetEventSlim.Wait(Int32, System.Threading.CancellationToken)", "System.Threading.ManualResetEventSlim.Wait()", "Orders.AckWaiter.WaitForAck()"];
        string?[] tier1 = ["System.Threading.Monitor.Wait(System.Object, Int32)", "System.Threading.ManualResetEventSlim.Wait(Int32, System.Threading.CancellationToken)", "Orders.AckWaiter.WaitForAck()"];
        string?[] other = ["System.Threading.Monitor.Wait(System.Object)", "Inventory.Locks.WaitForLock()"];
        var stacks = new List<IReadOnlyList<string?>> { tier0, other, tier1, tier1 };

        var section = StackGrouper.GroupThreads(stacks);

        Assert.Equal(4, section.Total);
        Assert.Equal([3, 1], section.Groups.Select(g => g.Count));
        Assert.Equal("Orders.AckWaiter.WaitForAck", section.Groups[0].Headline);
        Assert.Equal("Inventory.Locks.WaitForLock", section.Groups[1].Headline);
    }

    [Fact]
    public void GroupThreads_breaks_ties_by_name_so_output_is_stable()
    {
        var stacks = new List<IReadOnlyList<string?>> { new[] { "B.Second()" }, new[] { "A.First()" } };
        Assert.Equal(["A.First", "B.Second"], StackGrouper.GroupThreads(stacks).Groups.Select(g => g.Headline));
    }

    [Fact]
    public void GroupChains_names_the_awaited_thing_then_methods_innermost_first()
    {
        var chain = new RawTaskChain(
            "System.Threading.Tasks.Task<System.Int32>",
            false,
            [new("Payments.Gateway+<AwaitSettlementAsync>d__4", 0), new("Payments.Gateway+<AuthorizeAsync>d__3", 0), new("Payments.Gateway+<ChargeAsync>d__2", 1)]);
        var semaphore = new RawTaskChain("System.Threading.SemaphoreSlim+TaskNode", false, [new("Inventory.Locks+<AcquireAsync>d__3", 0)]);

        var section = StackGrouper.GroupChains(9, [chain, semaphore, chain]);

        Assert.Equal(9, section.Pending);
        Assert.Equal(2, section.Groups[0].Count);
        Assert.Equal(
            ["TaskCompletionSource.Task", "Payments.Gateway.AwaitSettlementAsync (state 0)", "Payments.Gateway.AuthorizeAsync (state 0)", "Payments.Gateway.ChargeAsync (state 1)"],
            section.Groups[0].Chain);
        Assert.Equal("Payments.Gateway.AwaitSettlementAsync", section.Groups[0].Headline);
        Assert.Equal(["SemaphoreSlim.WaitAsync", "Inventory.Locks.AcquireAsync (state 0)"], section.Groups[1].Chain);
    }

    [Fact]
    public void Chains_keep_the_await_locations_and_the_reports_show_them()
    {
        RawAsyncFrame Frame(string type, int state, string? location) => new(type, state) { Location = location };
        var located = new RawTaskChain("System.Threading.Tasks.Task<System.Int32>", false, [Frame("Payments.Gateway+<AwaitSettlementAsync>d__4", 0, "Gateway.cs:52"), Frame("Payments.Gateway+<ChargeAsync>d__2", 1, null)]);

        var section = StackGrouper.GroupChains(2, [located, located]);

        var group = Assert.Single(section.Groups);
        Assert.Equal(2, group.Count);
        Assert.Equal([null, "Gateway.cs:52", null], group.Locations);
        Assert.Equal("Gateway.cs:52", group.HeadlineLocation);

        var snapshot = new StackSnapshot { Pid = 1, ProcessName = "Orders", TakenAt = DateTimeOffset.UnixEpoch, Tasks = section };
        var text = new StringWriter();
        TextReportWriter.Write(snapshot, text);
        Assert.Contains("2  Payments.Gateway.AwaitSettlementAsync (Gateway.cs:52) awaiting TaskCompletionSource.Task", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("Payments.Gateway.AwaitSettlementAsync (state 0) (Gateway.cs:52)", text.ToString(), StringComparison.Ordinal);

        var json = new StringWriter();
        JsonReportWriter.Write(snapshot, json);
        Assert.Equal(group.Locations, JsonReportWriter.Parse(json.ToString()).Tasks.Groups.Single().Locations);
    }

    [Fact]
    public void Chains_without_locations_have_none()
    {
        var section = StackGrouper.GroupChains(1, [new RawTaskChain(null, false, [new("Inventory.Locks+<AcquireAsync>d__3", 0)])]);

        Assert.Null(section.Groups.Single().Locations);
    }
}
