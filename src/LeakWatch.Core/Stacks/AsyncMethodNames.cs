using System.Globalization;

namespace LeakWatch.Core.Stacks;

/// <summary>Names async methods from their compiler-generated state-machine types.</summary>
public static class AsyncMethodNames
{
    /// <summary>
    /// "Payments.Gateway+&lt;AuthorizeAsync&gt;d__3" → "Payments.Gateway.AuthorizeAsync";
    /// "Orders.Api+&lt;&gt;c+&lt;&lt;Map&gt;b__0_0&gt;d" → "Orders.Api.&lt;Map&gt;b__0_0" (a lambda). Anything else is returned cleaned.
    /// </summary>
    public static string FromStateMachine(string stateMachineTypeName)
    {
        var name = FrameNormalizer.CleanName(stateMachineTypeName);
        var plus = name.LastIndexOf("+<", StringComparison.Ordinal);
        if (plus < 0 || !name.EndsWith('d') && name.LastIndexOf(">d__", StringComparison.Ordinal) < plus)
        {
            return name.Replace('+', '.');
        }

        var owner = name[..plus];
        var generated = name[(plus + 2)..];
        var close = generated.LastIndexOf(">d", StringComparison.Ordinal);
        var method = close >= 0 ? generated[..close] : generated;
        if (owner.EndsWith("+<>c", StringComparison.Ordinal))
        {
            owner = owner[..^4];
        }

        return $"{owner.Replace('+', '.')}.{method}";
    }

    /// <summary>"Payments.Gateway.AuthorizeAsync (state 0)": the method with the await it is suspended at.</summary>
    public static string WithState(string method, int state) =>
        string.Create(CultureInfo.InvariantCulture, $"{method} (state {state})");
}
