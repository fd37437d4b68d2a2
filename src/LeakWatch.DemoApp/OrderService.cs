using System.Diagnostics.Metrics;

namespace Orders;

/// <summary>
/// The simulated order service. Five workers each take an order every 100 ms (about 50 orders/s in all) and run it
/// through validate → price → persist → record in the ledger. Most of it is healthy; two slow leaks hide inside:
/// <list type="bullet">
///   <item>Every 12th order is a priority order whose broker acknowledgement is awaited on a dedicated thread
///   (<see cref="AckWaiter"/>). The broker loses every second one, so about two threads a second stay blocked
///   forever in <c>AckWaiter.WaitForAck</c>: slow enough to look harmless for minutes, fast enough that the
///   default rules catch it within a minute of `leakwatch demo`.</item>
///   <item>Every order is recorded in the ledger fire-and-forget (<see cref="Ledger.RecordAsync"/>). The ledger never
///   confirms one order in four, so about 12 async calls a second stay pending forever in
///   <c>Ledger.AwaitConfirmationAsync</c>.</item>
/// </list>
/// Metrics (meter <c>LeakWatch.Demo</c>): <c>demo.orders.processed</c> and <c>demo.orders.in_flight</c>.
/// </summary>
internal static class OrderService
{
    private const int Workers = 5;
    private const int PriorityEvery = 12;
    private static readonly TimeSpan OrderInterval = TimeSpan.FromMilliseconds(100);

    private static readonly Meter Meter = new("LeakWatch.Demo");
    private static readonly Counter<long> Processed =
        Meter.CreateCounter<long>("demo.orders.processed", "{order}", "Orders processed to completion.");
    // An observed gauge, not an UpDownCounter: a tool that attaches later sees an UpDownCounter's changes only from
    // its own session on (so it starts at 0 and goes negative), while an observed value is the real count.
    private static readonly ObservableGauge<long> InFlight = Meter.CreateObservableGauge(
        "demo.orders.in_flight", () => Volatile.Read(ref inFlight), "{order}", "Orders being processed right now.");

    private static int lastOrderId;
    private static long inFlight;

    /// <summary>Starts the workers; the returned task ends (cancelled) when <paramref name="cancellationToken"/> fires.</summary>
    public static Task Start(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => RunWorkerAsync(cancellationToken), cancellationToken)));

    private static async Task RunWorkerAsync(CancellationToken cancellationToken)
    {
        using var pace = new PeriodicTimer(OrderInterval);
        while (await pace.WaitForNextTickAsync(cancellationToken))
        {
            await ProcessOrderAsync(Interlocked.Increment(ref lastOrderId), cancellationToken);
        }
    }

    private static async Task ProcessOrderAsync(int orderId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref inFlight);
        try
        {
            await Task.Delay(Random.Shared.Next(5, 30), cancellationToken); // validate against the catalog
            var total = Price(CreateLines(orderId));
            await Task.Delay(Random.Shared.Next(5, 20), cancellationToken); // persist

            _ = Ledger.RecordAsync(orderId, total); // fire and forget: the async leak (1 in 4 never confirmed)
            if (orderId % PriorityEvery == 0)
            {
                AckWaiter.StartWaiting(orderId); // the thread leak (every second priority ack is lost)
            }

            Processed.Add(1);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private static decimal[] CreateLines(int orderId) =>
        Enumerable.Range(1, 1 + orderId % 20).Select(line => 1m + (orderId * 31 + line * 17) % 500 / 10m).ToArray();

    private static decimal Price(decimal[] lines)
    {
        // A little CPU: a tax and discount pass per line, repeated as a real pricing engine would for each rule.
        var total = 0m;
        for (var rule = 0; rule < 50; rule++)
        {
            total = lines.Sum(price => Math.Round(price * 1.2m * (rule % 2 == 0 ? 0.95m : 1m), 2));
        }

        return total;
    }
}
