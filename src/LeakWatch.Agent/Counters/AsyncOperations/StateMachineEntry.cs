namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>One state machine type found in an assembly's metadata.</summary>
/// <param name="TypeName">Bare name as the runtime reports it: <c>&lt;DupAsync&gt;d__1</c>.</param>
/// <param name="FullName">Reflection full name: <c>Billing.Invoices+&lt;DupAsync&gt;d__1</c>.</param>
/// <param name="DisplayName">The method it implements: <c>Billing.Invoices.DupAsync</c>.</param>
/// <param name="AssemblyPath">Where it was found.</param>
public sealed record StateMachineEntry(string TypeName, string FullName, string DisplayName, string AssemblyPath);
