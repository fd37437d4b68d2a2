using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class FrameNormalizerTests
{
    [Theory]
    [InlineData("Orders.AckWaiter.WaitForAck()", "Orders.AckWaiter.WaitForAck")]
    [InlineData("System.Threading.ManualResetEventSlim.Wait(Int32, System.Threading.CancellationToken)", "System.Threading.ManualResetEventSlim.Wait")]
    [InlineData("System.Collections.Generic.List`1[[System.Int32, System.Private.CoreLib]].Add(Int32)", "System.Collections.Generic.List.Add")]
    [InlineData("Foo.Bar<System.String>.Baz<T>(T)", "Foo.Bar.Baz")]
    [InlineData("Orders.Api+<>c.<Map>b__0_0()", "Orders.Api+<>c.<Map>b__0_0")]
    [InlineData("Payments.Gateway+<AuthorizeAsync>d__3.MoveNext()", "Payments.Gateway+<AuthorizeAsync>d__3.MoveNext")]
    [InlineData("System.Threading.Tasks.Task`1.get_Result", "System.Threading.Tasks.Task.get_Result")]
    [InlineData("  Spaced.Name.Method  ", "Spaced.Name.Method")]
    // The runtime's rundown (EventPipe route) writes generic arguments in single brackets.
    [InlineData("System.Runtime.CompilerServices.TaskAwaiter[System.Int32].GetResult", "System.Runtime.CompilerServices.TaskAwaiter.GetResult")]
    [InlineData("System.Collections.Generic.Dictionary`2[System.__Canon,System.Int32].TryInsert(!0,!1,value class InsertionBehavior)", "System.Collections.Generic.Dictionary.TryInsert")]
    [InlineData("Payments.Gateway+<ChargeAsync>d__1[System.__Canon].MoveNext", "Payments.Gateway+<ChargeAsync>d__1.MoveNext")]
    public void CleanName_drops_signature_generics_and_arity(string raw, string expected) =>
        Assert.Equal(expected, FrameNormalizer.CleanName(raw));

    public static TheoryData<string?[], string[]> Stacks => new()
    {
        // The same MRES wait at different tiers: Wait() inlined or not, runtime helper frames or not.
        {
            ["[HelperMethodFrame]", "System.Threading.Monitor.Wait(System.Object, Int32)", "System.Threading.ManualResetEventSlim.Wait(Int32, System.Threading.CancellationToken)", "System.Threading.ManualResetEventSlim.Wait()", "Orders.AckWaiter.WaitForAck()", "System.Threading.ExecutionContext.RunInternal(...)", "System.Threading.Thread.StartCallback()"],
            ["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"]
        },
        {
            ["System.Threading.Monitor.ObjectWaitNative(...)", "System.Threading.Monitor.Wait(System.Object, Int32)", "System.Threading.SpinWait.SpinOnce()", "System.Threading.ManualResetEventSlim.Wait(Int32, System.Threading.CancellationToken)", "Orders.AckWaiter.WaitForAck()", "System.Threading.Thread+StartHelper.Run()", "System.Threading.Thread.StartCallback()"],
            ["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"]
        },
        // Monitor.Wait called by application code stays Monitor.Wait.
        {
            ["[InlinedCallFrame]", "System.Threading.Monitor.ObjectWaitNative(...)", "System.Threading.Monitor.Wait(System.Object, Int32)", "System.Threading.Monitor.Wait(System.Object)", "Inventory.Locks.WaitForLock()"],
            ["System.Threading.Monitor.Wait", "Inventory.Locks.WaitForLock"]
        },
        // A waiting frame further out is not collapsed: only the innermost run is.
        {
            ["Inventory.Work.Compute()", "System.Threading.Tasks.Task.Wait()", "App.Main()"],
            ["Inventory.Work.Compute", "System.Threading.Tasks.Task.Wait", "App.Main"]
        },
        // Async start plumbing comes and goes with inlining.
        {
            ["Payments.Gateway+<ChargeAsync>d__1.MoveNext()", "System.Runtime.CompilerServices.AsyncMethodBuilderCore.Start<Payments.Gateway+<ChargeAsync>d__1>(...)", "Payments.Gateway.ChargeAsync(Int32)"],
            ["Payments.Gateway+<ChargeAsync>d__1.MoveNext", "Payments.Gateway.ChargeAsync"]
        },
        // The EventPipe route: native frames of the runtime are null, and the awaiter's generic argument is in brackets.
        {
            [null, null, "System.Runtime.CompilerServices.TaskAwaiter.HandleNonSuccessAndDebuggerNotification(class System.Threading.Tasks.Task,value class ConfigureAwaitOptions)", "System.Runtime.CompilerServices.TaskAwaiter[System.Int32].GetResult()", "Program.<Main>(class System.String[])"],
            ["System.Runtime.CompilerServices.TaskAwaiter.GetResult", "Program.<Main>"]
        },
        // Nothing managed at all.
        { ["[DebuggerU2MCatchHandlerFrame]", "", "[Native]"], ["[Native]"] },
        { [], ["[Native]"] },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Normalize_makes_one_logical_wait_one_stack(string?[] raw, string[] expected) =>
        Assert.Equal(expected, FrameNormalizer.Normalize(raw));

    [Theory]
    [InlineData("System.Threading.Monitor.Wait", true)]
    [InlineData("System.Threading.ManualResetEventSlim.Wait", true)]
    [InlineData("System.Threading.ManualResetEventSlim.Set", false)]
    [InlineData("Orders.AckWaiter.WaitForAck", false)]
    public void IsWaitPrimitive_knows_runtime_waits(string frame, bool expected) =>
        Assert.Equal(expected, FrameNormalizer.IsWaitPrimitive(frame));
}
