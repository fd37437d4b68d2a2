namespace LeakWatch.Core.Async;

/// <summary>
/// A compiler-generated state machine type name taken apart: <c>&lt;&lt;Outer&gt;g__Local|0_0&gt;d`1</c> is the
/// local function <c>Local</c> of <c>Outer</c>, generic with one type parameter.
/// </summary>
/// <param name="Kind">Method, lambda or local function.</param>
/// <param name="Method">The source method: the async method itself, or the method that contains the lambda or local function.</param>
/// <param name="LocalFunction">The local function's own name, for <see cref="StateMachineKind.LocalFunction"/>.</param>
/// <param name="Ordinal">The compiler's ordinal (<c>3</c> in <c>d__3</c>, <c>0_0</c> for lambdas), which tells same-named overloads apart.</param>
/// <param name="Arity">Generic parameters of the state machine type (the "`N" suffix); 0 when not generic.</param>
public sealed record StateMachineName(StateMachineKind Kind, string Method, string? LocalFunction, string Ordinal, int Arity)
{
    /// <summary>
    /// Parses a state machine's type name as <c>Type.Name</c> gives it (no namespace, no declaring type).
    /// Returns null for anything else (<c>Task.Delay</c>, hand-written types).
    /// </summary>
    public static StateMachineName? TryParse(string typeName)
    {
        var (name, arity) = SplitArity(typeName);
        if (name.Length < 4 || name[0] != '<')
        {
            return null;
        }

        var close = MatchingClose(name, 0);
        if (close < 0)
        {
            return null;
        }

        var inner = name[1..close];
        var suffix = name[(close + 1)..];
        if (!suffix.StartsWith('d') || inner.Length == 0)
        {
            return null; // <Main>b__0 (the lambda itself) or <>c: not a state machine
        }

        var ordinal = suffix.StartsWith("d__", StringComparison.Ordinal) ? suffix[3..] : "";
        if (inner[0] != '<')
        {
            return new StateMachineName(StateMachineKind.Method, inner, null, ordinal, arity);
        }

        // The state machine of a lambda or local function is named after the generated method: <Outer>b__0_0, <Outer>g__Local|0_0.
        var innerClose = MatchingClose(inner, 0);
        if (innerClose < 0)
        {
            return null;
        }

        var outer = inner[1..innerClose];
        var generated = inner[(innerClose + 1)..];
        if (generated.StartsWith("b__", StringComparison.Ordinal))
        {
            return new StateMachineName(StateMachineKind.Lambda, outer, null, generated[3..], arity);
        }

        if (generated.StartsWith("g__", StringComparison.Ordinal))
        {
            var bar = generated.IndexOf('|', StringComparison.Ordinal);
            var local = bar < 0 ? generated[3..] : generated[3..bar];
            return new StateMachineName(StateMachineKind.LocalFunction, outer, local, bar < 0 ? "" : generated[(bar + 1)..], arity);
        }

        if (generated == "$")
        {
            return new StateMachineName(StateMachineKind.Method, outer, null, ordinal, arity); // top-level statements: <Main>$
        }

        return null;
    }

    /// <summary>How people call the code, relative to its declaring type: <c>DupAsync</c>, <c>Main.lambda#0_0</c>, <c>Outer.Local</c>.</summary>
    public string MemberDisplayName() => Kind switch
    {
        StateMachineKind.Lambda => $"{Method}.lambda#{Ordinal}",
        StateMachineKind.LocalFunction => $"{Method}.{LocalFunction}",
        _ => Method,
    };

    /// <summary>"&lt;GetAsync&gt;d__2`1" → ("&lt;GetAsync&gt;d__2", 1).</summary>
    internal static (string Name, int Arity) SplitArity(string typeName)
    {
        var tick = typeName.LastIndexOf('`');
        if (tick > 0 && int.TryParse(typeName.AsSpan(tick + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var arity))
        {
            return (typeName[..tick], arity);
        }

        return (typeName, 0);
    }

    private static int MatchingClose(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '<')
            {
                depth++;
            }
            else if (text[i] == '>' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
