namespace LeakWatch.Core.Stacks;

/// <summary>
/// The heap's type histogram: every object the walk visited (live or not yet collected), and the largest types
/// by bytes and by count. <see cref="Types"/> is bytes first; types outside both top lists are left out.
/// </summary>
public sealed record HeapSection(long Objects, long Bytes, IReadOnlyList<HeapTypeCount> Types)
{
    /// <summary>Types kept: the top this many by bytes, plus the top this many by count.</summary>
    public const int TopTypes = 50;
}

/// <summary>Objects of one type on the heap: how many and their shallow size.</summary>
public sealed record HeapTypeCount(string Type, int Count, long Bytes);
