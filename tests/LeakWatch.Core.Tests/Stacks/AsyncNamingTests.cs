using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class AsyncNamingTests
{
    [Theory]
    [InlineData("Payments.Gateway+<AuthorizeAsync>d__3", "Payments.Gateway.AuthorizeAsync")]
    [InlineData("Inventory.Reservations+<WaitForStockAsync>d__1", "Inventory.Reservations.WaitForStockAsync")]
    [InlineData("Orders.Api+<>c+<<Map>b__0_0>d", "Orders.Api.<Map>b__0_0")]
    [InlineData("Shop.Cart`1+<SaveAsync>d__5[[System.Int32, System.Private.CoreLib]]", "Shop.Cart.SaveAsync")]
    [InlineData("Outer+Inner+<RunAsync>d__0", "Outer.Inner.RunAsync")]
    [InlineData("NotAStateMachine", "NotAStateMachine")]
    public void FromStateMachine_names_the_async_method(string typeName, string expected) =>
        Assert.Equal(expected, AsyncMethodNames.FromStateMachine(typeName));

    [Theory]
    [InlineData("System.Threading.Tasks.Task<System.Int32>", false, AwaitedKinds.TaskCompletionSource)]
    [InlineData("System.Threading.Tasks.Task", false, AwaitedKinds.TaskCompletionSource)]
    [InlineData("System.Threading.Tasks.Task", true, "Task.Run/StartNew (running or queued)")]
    [InlineData("System.Threading.SemaphoreSlim+TaskNode", false, AwaitedKinds.SemaphoreWait)]
    [InlineData("System.Threading.Channels.BlockedReadAsyncOperation<System.String>", false, AwaitedKinds.ChannelRead)]
    [InlineData("System.Threading.Tasks.Task+DelayPromise", false, AwaitedKinds.Delay)]
    [InlineData("System.Threading.Tasks.Task+DelayPromiseWithCancellation", false, AwaitedKinds.Delay)]
    [InlineData("System.Net.Sockets.Socket+AwaitableSocketAsyncEventArgs", false, AwaitedKinds.Socket)]
    [InlineData("System.Threading.Tasks.Task+WhenAllPromise", false, "Task.WhenAll")]
    [InlineData("My.Custom+Source", false, "My.Custom.Source")]
    [InlineData(null, false, AwaitedKinds.Unknown)]
    public void Describe_names_what_is_awaited(string? typeName, bool hasDelegate, string expected) =>
        Assert.Equal(expected, AwaitedKinds.Describe(typeName, hasDelegate));
}
