using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// One pending async piece found on the heap: a state-machine box (one frame) or a runtime-async task (its
/// Continuation frames), and the object its innermost frame awaits (0 when unknown).
/// </summary>
/// <param name="Frames">Innermost first.</param>
internal readonly record struct AsyncNode(IReadOnlyList<RawAsyncFrame> Frames, ulong Awaited);

/// <summary>
/// Links pending async pieces into chains: a piece awaited by another is part of that one's chain, so each chain
/// starts at an outermost piece and follows what it awaits inward. State-machine and runtime-async pieces link
/// both ways (a state machine awaiting a runtime-async library method, a runtime-async method awaiting a
/// state-machine Task), so a mixed chain is one chain.
/// </summary>
internal static class AsyncChainLinker
{
    private const int MaxDepth = 256;

    /// <param name="nodes">Piece address (the box or the task) → piece.</param>
    /// <param name="describeLeaf">The type name of an awaited object that is not a piece, and whether it runs a delegate.</param>
    public static List<RawTaskChain> Link(IReadOnlyDictionary<ulong, AsyncNode> nodes, Func<ulong, (string? Type, bool HasDelegate)> describeLeaf)
    {
        var awaitedByAnother = new HashSet<ulong>();
        foreach (var (address, node) in nodes)
        {
            if (node.Awaited != 0 && node.Awaited != address && nodes.ContainsKey(node.Awaited))
            {
                awaitedByAnother.Add(node.Awaited);
            }
        }

        var leaves = new Dictionary<ulong, (string? Type, bool HasDelegate)>();
        var chains = new List<RawTaskChain>();
        foreach (var (address, outermost) in nodes)
        {
            if (awaitedByAnother.Contains(address))
            {
                continue;
            }

            // Walk inward from the outermost piece to the thing the innermost one awaits; frames gathered outermost first.
            var outerFirst = new List<RawAsyncFrame>();
            AppendOuterFirst(outerFirst, outermost);
            var current = outermost;
            var visited = new HashSet<ulong> { address };
            while (current.Awaited != 0 && visited.Count < MaxDepth && visited.Add(current.Awaited) && nodes.TryGetValue(current.Awaited, out var inner))
            {
                AppendOuterFirst(outerFirst, inner);
                current = inner;
            }

            outerFirst.Reverse();
            var leaf = (Type: (string?)null, HasDelegate: false);
            if (current.Awaited != 0 && !nodes.ContainsKey(current.Awaited) && !leaves.TryGetValue(current.Awaited, out leaf))
            {
                leaf = describeLeaf(current.Awaited);
                leaves[current.Awaited] = leaf;
            }

            chains.Add(new RawTaskChain(leaf.Type, leaf.HasDelegate, outerFirst));
        }

        return chains;
    }

    private static void AppendOuterFirst(List<RawAsyncFrame> outerFirst, AsyncNode node)
    {
        for (var i = node.Frames.Count - 1; i >= 0; i--)
        {
            outerFirst.Add(node.Frames[i]);
        }
    }
}
