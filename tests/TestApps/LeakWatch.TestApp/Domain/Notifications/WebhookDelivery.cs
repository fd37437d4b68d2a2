using System.Runtime.CompilerServices;

namespace Notifications;

/// <summary>
/// Async work the GC drops: each delivery awaits a receipt whose TaskCompletionSource only the delivery itself
/// references. Once the caller lets go, the whole chain is garbage: it is collected unfinished, its <c>finally</c> never
/// runs, and no heap walk can find it afterwards. With TplEventSource keyword 0x100 the runtime reports each one
/// (IncompleteAsyncMethod) from a finalizer.
/// <code>
///   WebhookDelivery.DeliverAsync ──▶ WebhookDelivery.AwaitReceiptAsync ──▶ TaskCompletionSource (unreferenced)
/// </code>
/// </summary>
internal static class WebhookDelivery
{
    private static long finished;

    /// <summary>Deliveries whose finally ran: stays 0, the point of the leak.</summary>
    public static long Finished => Interlocked.Read(ref finished);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task DeliverAsync(int eventId)
    {
        try
        {
            await AwaitReceiptAsync(eventId);
        }
        finally
        {
            Interlocked.Increment(ref finished);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task AwaitReceiptAsync(int eventId)
    {
        var receipt = new TaskCompletionSource<int>(); // the receipt handler was never registered: nobody keeps it
        await receipt.Task;
        _ = eventId;
    }
}
