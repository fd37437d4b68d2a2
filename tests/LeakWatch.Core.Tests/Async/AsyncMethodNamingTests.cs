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

    [Fact]
    public void Names_generic_methods_and_types_with_their_parameter_names()
    {
        // Repo<TEntity>.FindAsync<TKey>: the state machine copies the type's parameter, then the method's.
        Assert.Equal("Shop.Repo<TEntity>.FindAsync<TKey>", AsyncMethodNaming.DisplayName("Shop.Repo`1+<FindAsync>d__3`2", ["TEntity", "TKey"]));
        Assert.Equal("Shop.Repo<TEntity>.CountAsync", AsyncMethodNaming.DisplayName("Shop.Repo`1+<CountAsync>d__4`1", ["TEntity"]));
        Assert.Equal("Shop.Cache.GetAsync<T1>", AsyncMethodNaming.DisplayName("Shop.Cache+<GetAsync>d__2`1"));
    }

    [Fact]
    public void Ignores_a_generic_instantiation_in_reflection_full_names() =>
        Assert.Equal(
            "Shop.Cache.GetAsync<T1>",
            AsyncMethodNaming.DisplayName("Shop.Cache+<GetAsync>d__2`1[[System.Int32, System.Private.CoreLib, Version=10.0.0.0]]"));

    [Theory]
    [InlineData("Payments.Gateway")]
    [InlineData("Payments.Gateway+Settlement")]
    [InlineData("Task.Delay")]
    public void Returns_null_for_types_that_are_not_state_machines(string fullName) =>
        Assert.Null(AsyncMethodNaming.DisplayName(fullName));
}
