namespace LeakWatch.Core.Stacks;

/// <summary>
/// One async chain as read from the heap, before naming: the runtime type of what the innermost method awaits
/// (null when unknown), whether that object is a Task running a delegate, and the state machines from innermost to outermost.
/// </summary>
public sealed record RawTaskChain(string? AwaitedTypeName, bool AwaitedHasDelegate, IReadOnlyList<RawAsyncFrame> Methods);
