using System.Runtime.CompilerServices;

namespace Catalog;

/// <summary>
/// A cache that fills once and stops: product pages are loaded on first use until the catalogue is all in memory,
/// then nothing is added. The heap climbs for a while, then stays flat: healthy.
/// </summary>
internal static class ProductCache
{
    private static readonly Dictionary<int, byte[]> Pages = [];

    public static int Count
    {
        get
        {
            lock (Pages)
            {
                return Pages.Count;
            }
        }
    }

    /// <summary>Adds the next page unless the catalogue of <paramref name="products"/> is complete; false once full.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool LoadNextPage(int products, int pageBytes)
    {
        lock (Pages)
        {
            if (Pages.Count >= products)
            {
                return false;
            }

            Pages[Pages.Count] = new byte[pageBytes];
            return true;
        }
    }
}
