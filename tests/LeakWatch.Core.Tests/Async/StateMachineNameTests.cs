using LeakWatch.Core.Async;

namespace LeakWatch.Core.Tests.Async;

public class StateMachineNameTests
{
    public static TheoryData<string, StateMachineKind, string, string?, string, int> StateMachines => new()
    {
        { "<DupAsync>d__1", StateMachineKind.Method, "DupAsync", null, "1", 0 },
        { "<AwaitSettlementAsync>d__5", StateMachineKind.Method, "AwaitSettlementAsync", null, "5", 0 },
        { "<GetAsync>d__2`1", StateMachineKind.Method, "GetAsync", null, "2", 1 },
        { "<<Main>b__0_0>d", StateMachineKind.Lambda, "Main", null, "0_0", 0 },
        { "<<RunAsync>b__5_1>d", StateMachineKind.Lambda, "RunAsync", null, "5_1", 0 },
        { "<<.ctor>b__3_0>d", StateMachineKind.Lambda, ".ctor", null, "3_0", 0 },
        { "<<Outer>g__Local|0_0>d", StateMachineKind.LocalFunction, "Outer", "Local", "0_0", 0 },
        { "<<Outer>g__Fetch|2_1>d`1", StateMachineKind.LocalFunction, "Outer", "Fetch", "2_1", 1 },
        { "<ReadLinesAsync>d__4", StateMachineKind.Method, "ReadLinesAsync", null, "4", 0 }, // async iterators are named like methods
    };

    [Theory]
    [MemberData(nameof(StateMachines))]
    public void Parses_compiler_generated_names(string typeName, StateMachineKind kind, string method, string? local, string ordinal, int arity)
    {
        var parsed = StateMachineName.TryParse(typeName);

        Assert.Equal(new StateMachineName(kind, method, local, ordinal, arity), parsed);
    }

    [Theory]
    [InlineData("Task.Delay")]
    [InlineData("Task.WhenAll")]
    [InlineData("<>c")]
    [InlineData("<>c__DisplayClass0_0")]
    [InlineData("<Main>b__0_0")]
    [InlineData("<Main>$")]
    [InlineData("Gateway")]
    [InlineData("<Broken")]
    [InlineData("")]
    public void Rejects_what_is_not_a_state_machine(string typeName) =>
        Assert.Null(StateMachineName.TryParse(typeName));

    [Theory]
    [InlineData("Async: <DupAsync>d__1", "<DupAsync>d__1")]
    [InlineData("Task.Delay", "Task.Delay")]
    [InlineData("Async: Task.WhenAll", "Task.WhenAll")]
    public void Strips_the_operation_prefix(string operationName, string typeName) =>
        Assert.Equal(typeName, AsyncMethodNaming.TypeNameOf(operationName));
}
