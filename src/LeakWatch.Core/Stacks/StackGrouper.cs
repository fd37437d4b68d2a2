using LeakWatch.Core.Async;

namespace LeakWatch.Core.Stacks;

/// <summary>Counts identical normalised stacks and chains; largest group first, ties in name order so output is stable.</summary>
public static class StackGrouper
{
    /// <summary>Groups raw thread stacks (innermost frame first) after <see cref="FrameNormalizer.Normalize"/>.</summary>
    public static ThreadSection GroupThreads(IEnumerable<IReadOnlyList<string?>> rawStacks)
    {
        var total = 0;
        var counts = new Dictionary<string, (int Count, ThreadGroup Group)>(StringComparer.Ordinal);
        foreach (var raw in rawStacks)
        {
            total++;
            var (frames, locations) = FrameNormalizer.NormalizeWithLocations(raw);
            var group = new ThreadGroup(1, frames) { Locations = locations };
            counts[group.Key] = counts.TryGetValue(group.Key, out var existing) ? (existing.Count + 1, existing.Group) : (1, group);
        }

        var ordered = counts.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal);
        return new ThreadSection(total, ordered.Select(p => p.Value.Group with { Count = p.Value.Count }).ToList());
    }

    /// <summary>Names and groups raw async chains; <paramref name="pending"/> is the number of pending tasks seen.</summary>
    public static TaskSection GroupChains(int pending, IEnumerable<RawTaskChain> rawChains)
    {
        var counts = new Dictionary<string, (int Count, TaskChainGroup Group)>(StringComparer.Ordinal);
        foreach (var raw in rawChains)
        {
            var frames = NameChain(raw);
            IReadOnlyList<string?>? locations = raw.Methods.Any(m => m.Location is not null)
                ? [null, .. raw.Methods.Select(m => m.Location)]
                : null;
            var key = locations is null ? string.Join('\n', frames) : string.Join('\n', frames.Zip(locations, (f, l) => $"{f}{FrameNormalizer.LocationSeparator}{l}"));
            counts[key] = counts.TryGetValue(key, out var existing)
                ? (existing.Count + 1, existing.Group)
                : (1, new TaskChainGroup(1, frames) { Locations = locations });
        }

        var ordered = counts.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal);
        return new TaskSection(pending, ordered.Select(p => p.Value.Group with { Count = p.Value.Count }).ToList());
    }

    /// <summary>The chain's awaited thing, then each method with its state, innermost to outermost.</summary>
    public static IReadOnlyList<string> NameChain(RawTaskChain raw)
    {
        var chain = new List<string>(raw.Methods.Count + 1)
        {
            AwaitedKinds.Describe(raw.AwaitedTypeName, raw.AwaitedHasDelegate),
        };
        foreach (var method in raw.Methods)
        {
            chain.Add(AsyncMethodNaming.WithState(AsyncMethodNaming.Of(method.StateMachineTypeName), method.State));
        }

        return chain;
    }
}
