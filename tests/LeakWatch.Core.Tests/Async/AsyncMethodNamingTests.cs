using LeakWatch.Core.Async;

namespace LeakWatch.Core.Tests.Async;

public class AsyncMethodNamingTests
{
    [Theory]
    [InlineData("Payments.Gateway+<AwaitSettlementAsync>d__5", "Payments.Gateway.AwaitSettlementAsync")]
    [InlineData("Billing.Invoices+<DupAsync>d__1", "Billing.Invoices.DupAsync")]
    [InlineData("Shipping.Labels+<DupAsync>d__1", "Shipping.Labels.DupAsync")]
    [InlineData("Program+<<Main>$>d__0", "Program.Main")] // top-level statements: the compiler's <Main>$
    [InlineData("Shop.Program+<>c+<<Main>b__0_0>d", "Shop.Program.Main.lambda#0_0")]
    [InlineData("Shop.Program+<>c__DisplayClass2_0+<<RunAsync>b__1>d", "Shop.Program.RunAsync.lambda#1")]
    [InlineData("Shop.Worker+<<ExecuteAsync>g__PollAsync|4_0>d", "Shop.Worker.ExecuteAsync.PollAsync")]
    [InlineData("Shop.Outer+Inner+<SaveAsync>d__0", "Shop.Outer.Inner.SaveAsync")]
    [InlineData("Shop.Feed+<ReadLinesAsync>d__4", "Shop.Feed.ReadLinesAsync")]
    [InlineData("Global+<RunAsync>d__0", "Global.RunAsync")]
    public void Names_the_declaring_method(string stateMachineFullName, string expected) =>
        Assert.Equal(expected, AsyncMethodNaming.DisplayName(stateMachineFullName));

    /// <summary>
    /// Every form one state machine reaches the agent in (metadata and IncompleteAsyncMethod: reflection names;
    /// snapshots: ClrMD names; TraceOperationBegin: the bare name, resolved through the catalog's full name) gives the
    /// same name, so /metrics, snapshots and webhooks agree and a snapshot recalibrates the live count.
    /// </summary>
    [Theory]
    [InlineData("method", "Shop.Orders+<PlaceAsync>d__3", "Shop.Orders+<PlaceAsync>d__3", "Shop.Orders.PlaceAsync")]
    [InlineData("lambda", "Shop.Orders+<>c+<<Start>b__2_0>d", "Shop.Orders+<>c+<<Start>b__2_0>d", "Shop.Orders.Start.lambda#2_0")]
    [InlineData("capturing lambda", "Shop.Orders+<>c__DisplayClass2_0+<<Start>b__1>d", "Shop.Orders+<>c__DisplayClass2_0+<<Start>b__1>d", "Shop.Orders.Start.lambda#1")]
    [InlineData("local function", "Shop.Worker+<<ExecuteAsync>g__PollAsync|4_0>d", "Shop.Worker+<<ExecuteAsync>g__PollAsync|4_0>d", "Shop.Worker.ExecuteAsync.PollAsync")]
    [InlineData("generic method", "Shop.Cache+<GetAsync>d__2`1[[System.Int32, System.Private.CoreLib]]", "Shop.Cache+<GetAsync>d__2<System.Int32>", "Shop.Cache.GetAsync")]
    [InlineData("generic type and method", "Shop.Repo`1+<FindAsync>d__3`2", "Shop.Repo<System.__Canon>+<FindAsync>d__3<System.__Canon, System.Int32>", "Shop.Repo.FindAsync")]
    [InlineData("generic local function", "Shop.Worker+<<RunAsync>g__StepAsync|1_0>d`1", "Shop.Worker+<<RunAsync>g__StepAsync|1_0>d<System.String>", "Shop.Worker.RunAsync.StepAsync")]
    [InlineData("async iterator", "Shop.Feed+<ReadLinesAsync>d__4", "Shop.Feed+<ReadLinesAsync>d__4", "Shop.Feed.ReadLinesAsync")]
    [InlineData("same name, namespace A", "Billing.Invoices+<DupAsync>d__1", "Billing.Invoices+<DupAsync>d__1", "Billing.Invoices.DupAsync")]
    [InlineData("same name, namespace B", "Shipping.Invoices+<DupAsync>d__1", "Shipping.Invoices+<DupAsync>d__1", "Shipping.Invoices.DupAsync")]
    public void Reflection_and_ClrMD_forms_name_a_method_identically(string kind, string reflectionName, string clrmdName, string expected)
    {
        Assert.Equal(expected, AsyncMethodNaming.DisplayName(reflectionName));
        Assert.Equal(expected, AsyncMethodNaming.DisplayName(clrmdName));
        Assert.Equal(expected + " (state 0)", StackGrouperName(clrmdName));
        Assert.NotEmpty(kind);
    }

    private static string StackGrouperName(string clrmdName) =>
        LeakWatch.Core.Stacks.StackGrouper.NameChain(new LeakWatch.Core.Stacks.RawTaskChain(null, false, [new LeakWatch.Core.Stacks.RawAsyncFrame(clrmdName, 0)]))[1];

    [Theory]
    [InlineData("Payments.Gateway")]
    [InlineData("Payments.Gateway+Settlement")]
    [InlineData("Task.Delay")]
    public void Returns_null_for_types_that_are_not_state_machines(string fullName) =>
        Assert.Null(AsyncMethodNaming.DisplayName(fullName));
}
