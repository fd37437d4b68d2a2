using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Orders;

/// <summary>
/// THE THREAD LEAK. Priority orders wait for the message broker's acknowledgement on a dedicated thread (the way
/// code wrapping a blocking client often does). The simulated broker acknowledges only every other priority order;
/// for the others the event is never set, so the thread stays blocked in <see cref="WaitForAck"/> forever and the
/// process's OS thread count climbs by about two a second.
/// <code>
///   thread "order-ack-N" ──▶ AckWaiter.WaitForAck ──▶ ManualResetEventSlim.Wait   (lost ack: never Set)
/// </code>
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "A lost ack leaves its waiter blocked on the event forever; acknowledged ones are left to the GC.")]
internal sealed class AckWaiter
{
    private const int StackBytes = 256 * 1024;
    private static readonly List<AckWaiter> LostAcks = [];
    private static int priorityOrders;

    private readonly ManualResetEventSlim _acknowledged = new(initialState: false);

    private AckWaiter(int orderId) => OrderId = orderId;

    public int OrderId { get; }

    public static void StartWaiting(int orderId)
    {
        var waiter = new AckWaiter(orderId);
        new Thread(waiter.WaitForAck, StackBytes) { IsBackground = true, Name = $"order-ack-{orderId}" }.Start();

        if (Interlocked.Increment(ref priorityOrders) % 2 == 0)
        {
            lock (LostAcks)
            {
                LostAcks.Add(waiter); // the broker dropped this ack: nobody will ever call Acknowledge()
            }
        }
        else
        {
            _ = waiter.AcknowledgeSoonAsync();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForAck() => _acknowledged.Wait();

    private async Task AcknowledgeSoonAsync()
    {
        await Task.Delay(Random.Shared.Next(50, 200));
        _acknowledged.Set(); // a healthy ack: the waiting thread returns and exits
    }
}
