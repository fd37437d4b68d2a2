namespace LeakWatch.Core.Stacks;

/// <summary>
/// An async method the GC collected before it finished, and how often since tracking started (from the live
/// IncompleteAsyncMethod counts, not the heap walk: a dropped method is no longer on the heap to be found).
/// </summary>
public sealed record DroppedAsyncMethod(string Method, long Dropped);
