using LeakWatch.Agent.Snapshots;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Tests.Snapshots;

public class AsyncChainLinkerTests
{
    private const ulong Leaf = 0x900;

    [Fact]
    public void State_machine_boxes_link_from_the_outermost_inward()
    {
        var nodes = new Dictionary<ulong, AsyncNode>
        {
            [0x100] = Box("Payments.Gateway+<ChargeAsync>d__2", 0x200),
            [0x200] = Box("Payments.Gateway+<AuthorizeAsync>d__3", 0x300),
            [0x300] = Box("Payments.Gateway+<AwaitSettlementAsync>d__4", Leaf),
        };

        var chain = Assert.Single(AsyncChainLinker.Link(nodes, Describe));

        Assert.Equal("System.Threading.Tasks.Task", chain.AwaitedTypeName);
        Assert.Equal(["Payments.Gateway+<AwaitSettlementAsync>d__4", "Payments.Gateway+<AuthorizeAsync>d__3", "Payments.Gateway+<ChargeAsync>d__2"], chain.Methods.Select(m => m.StateMachineTypeName));
    }

    [Fact]
    public void A_runtime_async_chain_keeps_its_frames_innermost_first()
    {
        var nodes = new Dictionary<ulong, AsyncNode>
        {
            [0x100] = new([new("Payments.SettlementGateway.AwaitSettlementAsync", 0), new("Payments.SettlementGateway.AuthorizeAsync", 0), new("Payments.SettlementGateway.ChargeAsync", 1)], Leaf),
        };

        var chain = Assert.Single(AsyncChainLinker.Link(nodes, Describe));

        Assert.Equal(["Payments.SettlementGateway.AwaitSettlementAsync", "Payments.SettlementGateway.AuthorizeAsync", "Payments.SettlementGateway.ChargeAsync"], chain.Methods.Select(m => m.StateMachineTypeName));
        Assert.Equal([0, 0, 1], chain.Methods.Select(m => m.State));
    }

    [Fact]
    public void A_state_machine_awaiting_runtime_async_code_and_the_reverse_make_one_chain()
    {
        var nodes = new Dictionary<ulong, AsyncNode>
        {
            [0x100] = Box("App.Orders+<PlaceAsync>d__1", 0x200),
            [0x200] = new([new("Library.Client.SendAsync", 0), new("Library.Client.PostAsync", 0)], 0x300),
            [0x300] = Box("Library.Transport+<WriteAsync>d__7", Leaf),
        };

        var chain = Assert.Single(AsyncChainLinker.Link(nodes, Describe));

        Assert.Equal(
            ["Library.Transport+<WriteAsync>d__7", "Library.Client.SendAsync", "Library.Client.PostAsync", "App.Orders+<PlaceAsync>d__1"],
            chain.Methods.Select(m => m.StateMachineTypeName));
        Assert.Equal("System.Threading.Tasks.Task", chain.AwaitedTypeName);
    }

    [Fact]
    public void Unknown_awaits_and_cycles_never_loop()
    {
        var nodes = new Dictionary<ulong, AsyncNode>
        {
            [0x100] = Box("A+<OneAsync>d__0", 0),
            [0x200] = Box("B+<TwoAsync>d__0", 0x300),
            [0x300] = Box("C+<ThreeAsync>d__0", 0x200),
        };

        var chain = Assert.Single(AsyncChainLinker.Link(nodes, Describe));

        Assert.Null(chain.AwaitedTypeName);
        Assert.Equal("A+<OneAsync>d__0", Assert.Single(chain.Methods).StateMachineTypeName);
    }

    private static AsyncNode Box(string stateMachine, ulong awaited) => new([new RawAsyncFrame(stateMachine, 0)], awaited);

    private static (string? Type, bool HasDelegate) Describe(ulong address) =>
        address == Leaf ? ("System.Threading.Tasks.Task", false) : (null, false);
}
