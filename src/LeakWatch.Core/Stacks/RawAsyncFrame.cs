namespace LeakWatch.Core.Stacks;

/// <summary>A suspended async method: its state-machine type name and its <c>&lt;&gt;1__state</c> (the await it waits at).</summary>
public sealed record RawAsyncFrame(string StateMachineTypeName, int State)
{
    /// <summary>The module file of the state machine's MoveNext, for its PDB (null when unknown).</summary>
    public string? ModulePath { get; init; }

    /// <summary>MoveNext's metadata token (0 when unknown).</summary>
    public int MoveNextToken { get; init; }

    /// <summary>The await the method is suspended at, as "Gateway.cs:42", once resolved from the PDB; null without one.</summary>
    public string? Location { get; init; }
}
