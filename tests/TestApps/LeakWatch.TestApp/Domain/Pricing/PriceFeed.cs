using System.Runtime.CompilerServices;

namespace Pricing;

/// <summary>
/// The classic .NET memory leak: every quote screen subscribes to a static event and never unsubscribes, so the event's
/// invocation list keeps each <see cref="QuoteSubscriber"/> (and its 16 KB price history) alive for ever.
/// <code>
///   PriceFeed.PriceChanged (static event) ──▶ QuoteSubscriber.OnPriceChanged ──▶ QuoteSubscriber (+ decimal[1024])
/// </code>
/// </summary>
internal static class PriceFeed
{
    public static event EventHandler<decimal>? PriceChanged;

    public static int SubscriberCount => PriceChanged?.GetInvocationList().Length ?? 0;

    public static void Publish(decimal price) => PriceChanged?.Invoke(null, price);
}

internal sealed class QuoteSubscriber
{
    private readonly decimal[] _history = new decimal[1024];
    private int _next;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static QuoteSubscriber OpenQuoteScreen()
    {
        var screen = new QuoteSubscriber();
        PriceFeed.PriceChanged += screen.OnPriceChanged; // the screen closes, the subscription stays
        return screen;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnPriceChanged(object? sender, decimal price) => _history[_next++ % _history.Length] = price;
}
