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
    /// The one name of the method behind a state machine, used by the live count, snapshots, /metrics and webhooks,
    /// from the state machine's type name in any of the forms the agent meets: reflection and metadata
    /// (<c>Shop.Repo`1+&lt;FindAsync&gt;d__3`2[[...]]</c>, nested types after '+'), ClrMD
    /// (<c>Shop.Repo&lt;System.String&gt;+&lt;FindAsync&gt;d__3&lt;System.__Canon&gt;</c>) and TplEventSource's bare
    /// <c>&lt;FindAsync&gt;d__3</c>. Generic arity and arguments are left out, as in stack frames, because a heap
    /// snapshot sees only instantiations: all of these read <c>Shop.Repo.FindAsync</c>. Closure classes
    /// (<c>&lt;&gt;c</c>, <c>&lt;&gt;c__DisplayClass0_0</c>) are left out; lambdas read <c>Main.lambda#0_0</c>, local
    /// functions <c>ExecuteAsync.PollAsync</c>. Returns null when the last nested type is not a state machine.
    /// </summary>
    public static string? DisplayName(string stateMachineTypeName)
    {
        var segments = WithoutGenerics(stateMachineTypeName).Split('+');
        if (StateMachineName.TryParse(segments[^1]) is not { } stateMachine)
        {
            return null;
        }

        var parts = segments[..^1].Where(segment => !segment.StartsWith('<')).ToList();
        parts.Add(stateMachine.MemberDisplayName());
        return string.Join('.', parts);
    }

    /// <summary><see cref="DisplayName"/>, or for anything that is not a state machine its name cleaned like a frame.</summary>
    public static string Of(string typeName) => DisplayName(typeName) ?? WithoutGenerics(typeName).Replace('+', '.');

    /// <summary>"Payments.Gateway.AuthorizeAsync (state 0)": the method with the await it is suspended at.</summary>
    public static string WithState(string method, int state) =>
        string.Create(CultureInfo.InvariantCulture, $"{method} (state {state})");

    /// <summary>
    /// Drops arity ("`2"), reflection instantiations ("[[...]]") and ClrMD's ("&lt;System.Int32&gt;" after a name),
    /// keeping the compiler's own angle brackets ("&lt;FindAsync&gt;d__3", "&lt;&lt;Main&gt;b__0_0&gt;d").
    /// </summary>
    private static string WithoutGenerics(string typeName)
    {
        var text = typeName.Trim();
        var bracket = text.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0)
        {
            text = text[..bracket];
        }

        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '`')
            {
                while (i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                }
            }
            else if (c == '<' && builder.Length > 0 && (char.IsLetterOrDigit(builder[^1]) || builder[^1] == '_'))
            {
                i = SkipBalanced(text, i);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int SkipBalanced(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] == '<' ? 1 : text[i] == '>' ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
        }

        return text.Length - 1;
    }
}
