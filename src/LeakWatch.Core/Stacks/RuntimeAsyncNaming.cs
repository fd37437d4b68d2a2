using LeakWatch.Core.Async;

namespace LeakWatch.Core.Stacks;

/// <summary>
/// Names runtime-async methods (no state machine: the runtime suspends the method and links Continuation objects)
/// from what the heap gives. A continuation's Resume is the entry of an IL stub the runtime generates per
/// suspended method and names after it, in the method's own module: <c>IL_STUB_AsyncResume_ChargeAsync_Optimized</c>.
/// The stub names only the method; the declaring type comes from the module's metadata (methods marked
/// MethodImplAttributes.Async, 0x2000). Verified on .NET 10.0 with DOTNET_RuntimeAsync=1; .NET 11 may rename both.
/// </summary>
public static class RuntimeAsyncNaming
{
    /// <summary>The live count's one name for pending runtime-async work it cannot attribute to a method (docs/metrics.md).</summary>
    public const string LiveCountName = "[runtime-async]";

    /// <summary>MethodImplAttributes.Async: the compiler's mark on a method compiled with runtime async.</summary>
    public const int AsyncImplFlag = 0x2000;

    private const string StubPrefix = "IL_STUB_AsyncResume_";

    /// <summary>
    /// "IL_STUB_AsyncResume_ChargeAsync_Optimized" → "ChargeAsync"; the last "_Suffix" is the stub's code version
    /// (method names may contain '_' themselves). Null for anything that is not a resume stub.
    /// </summary>
    public static string? MethodNameOfResumeStub(string? stubName)
    {
        if (stubName is null || !stubName.StartsWith(StubPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = stubName[StubPrefix.Length..];
        var lastUnderscore = rest.LastIndexOf('_');
        var method = lastUnderscore > 0 ? rest[..lastUnderscore] : rest;
        return method.Length == 0 ? null : method;
    }

    /// <summary>
    /// The frame name of a runtime-async method, exactly as <see cref="AsyncMethodNaming.DisplayName"/> names the
    /// state machine the same method would have had, so both compilations group alike:
    /// ("Payments.SettlementGateway", "ChargeAsync") → "Payments.SettlementGateway.ChargeAsync"; nested and generic
    /// types ("Outer`1+Inner") read "Outer.Inner"; top-level statements ("&lt;Main&gt;$") read "Program.Main", local
    /// functions "Outer.Local", lambdas "Outer.lambda#0_0". A type-less method (a stub whose module has no such
    /// async method: the runtime's await plumbing) keeps the method name in brackets, "[runtime-async] get_Task".
    /// </summary>
    public static string FrameName(string? declaringType, string method)
    {
        if (string.IsNullOrEmpty(declaringType))
        {
            return $"{LiveCountName} {method}";
        }

        // The state machine of method M would be "Type+<M>d__N"; of a local function "Type+<<Outer>g__Local|0_0>d".
        return AsyncMethodNaming.DisplayName($"{declaringType}+<{method}>d") ?? $"{declaringType.Replace('+', '.')}.{method}";
    }

    /// <summary>
    /// The name for a method found in several types of one module: the types in name order joined by " | ", so
    /// the group key stays stable ("Billing.Gateway.ChargeAsync | Shipping.Gateway.ChargeAsync").
    /// </summary>
    public static string AmbiguousFrameName(IEnumerable<string> declaringTypes, string method) =>
        string.Join(" | ", declaringTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(t => FrameName(t, method)));
}
