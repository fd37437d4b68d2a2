using System.Globalization;

namespace LeakWatch.Core.Async;

/// <summary>
/// Turns the runtime's names for async operations into the names people use for the code:
/// <c>Billing.Invoices+&lt;DupAsync&gt;d__1</c> → <c>Billing.Invoices.DupAsync</c>.
/// </summary>
public static class AsyncMethodNaming
{
    /// <summary>TplEventSource's TraceOperationBegin names state machines "Async: " + Type.Name.</summary>
    public const string OperationPrefix = "Async: ";

    /// <summary>"Async: &lt;DupAsync&gt;d__1" → "&lt;DupAsync&gt;d__1"; other operations (Task.Delay, Task.WhenAll) unchanged.</summary>
    public static string TypeNameOf(string operationName) =>
        operationName.StartsWith(OperationPrefix, StringComparison.Ordinal) ? operationName[OperationPrefix.Length..] : operationName;

    /// <summary>IncompleteAsyncMethod's description starts with the state machine's full name: "Billing.Invoices+&lt;DupAsync&gt;d__1\n  field: value...".</summary>
    public static string FullTypeNameFromDescription(string description)
    {
        var firstLine = description.Split('\n', 2)[0].Trim();
        var bracket = firstLine.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? firstLine[..bracket] : firstLine;
    }

    /// <summary>"Billing.Invoices+&lt;DupAsync&gt;d__1" → "&lt;DupAsync&gt;d__1", as TraceOperationBegin names it.</summary>
    public static string BareTypeName(string fullName)
    {
        var plus = fullName.LastIndexOf('+');
        return plus >= 0 ? fullName[(plus + 1)..] : fullName;
    }

    /// <summary>
    /// The readable name of the method behind a state machine, from the state machine's full type name in reflection
    /// form (nested types after '+', as IncompleteAsyncMethod reports it and as metadata yields it). Compiler-generated
    /// closure types (<c>&lt;&gt;c</c>, <c>&lt;&gt;c__DisplayClass0_0</c>) are left out; generic types read <c>Repo&lt;T&gt;</c>.
    /// Returns null when the last nested type is not a state machine.
    /// </summary>
    /// <param name="stateMachineFullName">For example <c>Shop.Repo`1+&lt;GetAsync&gt;d__2`1</c>; a trailing "[[...]]" instantiation is ignored.</param>
    /// <param name="genericParameterNames">Every generic parameter of the state machine type in metadata order (declaring types' first), or null to use T1, T2...</param>
    public static string? DisplayName(string stateMachineFullName, IReadOnlyList<string>? genericParameterNames = null)
    {
        var bracket = stateMachineFullName.IndexOf('[', StringComparison.Ordinal);
        var fullName = bracket > 0 ? stateMachineFullName[..bracket] : stateMachineFullName;
        var segments = fullName.Split('+');
        if (StateMachineName.TryParse(segments[^1]) is not { } stateMachine)
        {
            return null;
        }

        var parameters = genericParameterNames ?? Enumerable.Range(1, stateMachine.Arity).Select(i => $"T{i}").ToList();
        var used = 0;
        var parts = new List<string>();
        foreach (var segment in segments[..^1])
        {
            var (name, arity) = StateMachineName.SplitArity(segment);
            if (name.StartsWith('<'))
            {
                continue; // closure class: its generic parameters are the method's, counted below
            }

            parts.Add(arity == 0 ? name : $"{name}<{string.Join(',', Take(parameters, used, arity))}>");
            used += arity;
        }

        var methodParameters = Take(parameters, used, stateMachine.Arity - used);
        parts.Add(stateMachine.MemberDisplayName(methodParameters));
        return string.Join('.', parts);
    }

    private static List<string> Take(IReadOnlyList<string> names, int start, int count)
    {
        var taken = new List<string>();
        for (var i = start; i < start + count; i++)
        {
            taken.Add(i < names.Count ? names[i] : "T" + (i + 1).ToString(CultureInfo.InvariantCulture));
        }

        return taken;
    }
}
