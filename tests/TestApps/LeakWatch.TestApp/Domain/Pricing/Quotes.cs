using System.Runtime.CompilerServices;

namespace Pricing;

/// <summary>
/// A healthy service: <see cref="GetQuoteAsync"/> waits a few milliseconds, allocates a little and completes;
/// <see cref="RateCache"/> refreshes on one long-lived timer. Nothing accumulates.
/// </summary>
internal static class Quotes
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<decimal> GetQuoteAsync(int sku)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(5));
        var priceHistory = new decimal[64]; // a little garbage per call
        for (var day = 0; day < priceHistory.Length; day++)
        {
            priceHistory[day] = 10m + (sku + day) % 7;
        }

        return priceHistory.Average() * RateCache.Current;
    }
}

/// <summary>An exchange rate refreshed once a second by a single timer that lives as long as the scenario.</summary>
internal sealed class RateCache : IDisposable
{
    private static long refreshes;
    private readonly Timer _refreshTimer;

    public RateCache() => _refreshTimer = new Timer(Refresh, null, TimeSpan.Zero, TimeSpan.FromSeconds(1));

    public static decimal Current => 1m + Interlocked.Read(ref refreshes) % 3 / 100m;

    public void Dispose() => _refreshTimer.Dispose();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Refresh(object? state) => Interlocked.Increment(ref refreshes);
}
