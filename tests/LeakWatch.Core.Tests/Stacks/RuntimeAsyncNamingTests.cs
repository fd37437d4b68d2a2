using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class RuntimeAsyncNamingTests
{
    [Theory]
    [InlineData("IL_STUB_AsyncResume_ChargeAsync_Optimized", "ChargeAsync")]
    [InlineData("IL_STUB_AsyncResume_get_Task_Optimized", "get_Task")]
    [InlineData("IL_STUB_AsyncResume_<Main>$_Optimized", "<Main>$")]
    [InlineData("IL_STUB_AsyncResume_Await_Settlement_Async_Tier0", "Await_Settlement_Async")]
    [InlineData("IL_STUB_AsyncResume_Run", "Run")]
    [InlineData("IL_STUB_AsyncResume_", null)]
    [InlineData("IL_STUB_PInvoke", null)]
    [InlineData("Payments.SettlementGateway.ChargeAsync", null)]
    [InlineData(null, null)]
    public void MethodNameOfResumeStub_takes_the_method_out_of_the_stub_name(string? stub, string? expected) =>
        Assert.Equal(expected, RuntimeAsyncNaming.MethodNameOfResumeStub(stub));

    [Theory]
    [InlineData("Payments.SettlementGateway", "ChargeAsync", "Payments.SettlementGateway.ChargeAsync")]
    [InlineData("Shop.Outer+Inner", "FindAsync", "Shop.Outer.Inner.FindAsync")]
    [InlineData("Shop.Repo`1", "FindAsync", "Shop.Repo.FindAsync")]
    [InlineData("Program", "<Main>$", "Program.Main")]
    [InlineData("Worker", "<ExecuteAsync>g__PollAsync|3_0", "Worker.ExecuteAsync.PollAsync")]
    [InlineData("Worker+<>c", "<Run>b__0_0", "Worker.Run.lambda#0_0")]
    [InlineData(null, "get_Task", "[runtime-async] get_Task")]
    [InlineData("", "Delay", "[runtime-async] Delay")]
    public void FrameName_names_the_method_as_its_state_machine_would_be_named(string? type, string method, string expected) =>
        Assert.Equal(expected, RuntimeAsyncNaming.FrameName(type, method));

    [Fact]
    public void FrameName_matches_the_state_machine_name_of_the_same_method()
    {
        var stateMachine = StackGrouper.NameChain(new RawTaskChain(null, false, [new("Payments.Gateway+<ChargeAsync>d__2", 0)]))[1];
        var runtimeAsync = StackGrouper.NameChain(new RawTaskChain(null, false, [new(RuntimeAsyncNaming.FrameName("Payments.Gateway", "ChargeAsync"), 0)]))[1];
        Assert.Equal(stateMachine, runtimeAsync);
    }

    [Fact]
    public void AmbiguousFrameName_lists_every_type_in_name_order_once()
    {
        var name = RuntimeAsyncNaming.AmbiguousFrameName(["Shipping.Gateway", "Billing.Gateway", "Shipping.Gateway"], "ChargeAsync");
        Assert.Equal("Billing.Gateway.ChargeAsync | Shipping.Gateway.ChargeAsync", name);
    }
}
