namespace LeakWatch.Core.Stacks;

/// <summary>A suspended async method: its state-machine type name and its <c>&lt;&gt;1__state</c> (the await it waits at).</summary>
public sealed record RawAsyncFrame(string StateMachineTypeName, int State);
