using LeakWatch.Core.Async;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class AsyncNamingTests
{
    [Theory]
    [InlineData("Payments.Gateway+<AuthorizeAsync>d__3", "Payments.Gateway.AuthorizeAsync")]
    [InlineData("Orders.Api+<>c+<<Map>b__0_0>d", "Orders.Api.Map.lambda#0_0")]
    [InlineData("Shop.Cart<System.Int32>+<SaveAsync>d__5", "Shop.Cart.SaveAsync")]
    [InlineData("NotAStateMachine", "NotAStateMachine")]
    [InlineData("My.Custom+Source", "My.Custom.Source")]
    public void Snapshot_chains_use_the_one_async_method_naming(string typeName, string expected) =>
        Assert.Equal(expected, AsyncMethodNaming.Of(typeName));

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
