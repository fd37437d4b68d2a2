using System.Runtime.CompilerServices;

namespace Catalog;

/// <summary>A healthy async call: <see cref="QueryAsync"/> yields once and completes. Used for async load.</summary>
internal static class Search
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> QueryAsync(string term)
    {
        await Task.Yield();
        return term.Length;
    }
}
