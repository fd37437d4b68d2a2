namespace LeakWatch.Core.Stacks;

/// <summary>
/// Async chains that are identical: <see cref="Chain"/> is the awaited thing first (for example
/// "SemaphoreSlim.WaitAsync"), then the async methods from the innermost to the outermost.
/// </summary>
public sealed record TaskChainGroup(int Count, IReadOnlyList<string> Chain)
{
    /// <summary>The innermost async method, or the awaited thing when the chain has no method.</summary>
    public string Headline => Chain.Count > 1 ? StackText.WithoutState(Chain[1]) : Chain.Count == 1 ? Chain[0] : "";
}
