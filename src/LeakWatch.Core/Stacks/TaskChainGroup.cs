namespace LeakWatch.Core.Stacks;

/// <summary>
/// Async chains that are identical: <see cref="Chain"/> is the awaited thing first (for example
/// "SemaphoreSlim.WaitAsync"), then the async methods from the innermost to the outermost. <see cref="Locations"/>,
/// when any method's await was found in a PDB, gives each entry's source location ("Gateway.cs:42", or null) at the
/// same index (the awaited thing's is always null).
/// </summary>
public sealed record TaskChainGroup(int Count, IReadOnlyList<string> Chain)
{
    public IReadOnlyList<string?>? Locations { get; init; }

    /// <summary>The innermost async method, or the awaited thing when the chain has no method.</summary>
    public string Headline => Chain.Count > 1 ? StackText.WithoutState(Chain[1]) : Chain.Count == 1 ? Chain[0] : "";

    /// <summary>Where the innermost method waits ("Gateway.cs:42"), or null.</summary>
    public string? HeadlineLocation => LocationOf(Chain.Count > 1 ? 1 : -1);

    /// <summary>The location of entry <paramref name="index"/>, or null.</summary>
    public string? LocationOf(int index) => Locations is { } locations && index >= 0 && index < locations.Count ? locations[index] : null;
}
