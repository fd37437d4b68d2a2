using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>Adds each suspended method's await location ("Gateway.cs:42") to the chains, after the target is resumed.</summary>
internal static class ChainLocations
{
    public static IEnumerable<RawTaskChain> Resolve(IEnumerable<RawTaskChain> chains, SourceLocator sources)
    {
        // Thousands of chains share a few (state machine, state) pairs: look each up once.
        var found = new Dictionary<(string?, int, int), string?>();
        foreach (var chain in chains)
        {
            yield return chain with
            {
                Methods = chain.Methods.Select(method =>
                {
                    var key = (method.ModulePath, method.MoveNextToken, method.State);
                    if (!found.TryGetValue(key, out var location))
                    {
                        location = sources.LocateAwait(method.ModulePath, method.MoveNextToken, method.State);
                        found[key] = location;
                    }

                    return location is null ? method : method with { Location = location };
                }).ToList(),
            };
        }
    }
}
