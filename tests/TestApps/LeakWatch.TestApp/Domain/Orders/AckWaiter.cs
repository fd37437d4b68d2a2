using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LeakWatch.TestApp;

namespace Orders;

/// <summary>
/// Waits, on a dedicated thread, for the broker to acknowledge one order. The broker never does, so every
/// waiter parks its thread forever in <see cref="WaitForAck"/>: one leaked OS thread per order.
/// <code>
///   thread "order-ack-N" ──▶ AckWaiter.WaitForAck ──▶ ManualResetEventSlim.Wait (never Set)
/// </code>
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The never-signalled event is the leak; it is never disposed on purpose.")]
internal sealed class AckWaiter
{
    private static readonly List<AckWaiter> Outstanding = [];
    private readonly ManualResetEventSlim _acknowledged = new(initialState: false);

    private AckWaiter(int orderId) => OrderId = orderId;

    public int OrderId { get; }

    public static int OutstandingCount
    {
        get
        {
            lock (Outstanding)
            {
                return Outstanding.Count;
            }
        }
    }

    /// <summary>Starts a background thread that waits for the order's acknowledgement (forever).</summary>
    public static Thread StartWaiting(int orderId)
    {
        var waiter = new AckWaiter(orderId);
        lock (Outstanding)
        {
            Outstanding.Add(waiter);
        }

        return DedicatedThreads.StartBackground($"order-ack-{orderId}", waiter.WaitForAck);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WaitForAck() => _acknowledged.Wait(); // nobody ever calls _acknowledged.Set()
}
