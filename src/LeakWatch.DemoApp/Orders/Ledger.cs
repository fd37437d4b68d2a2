using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Orders;

/// <summary>
/// THE ASYNC LEAK. Every processed order is recorded in the ledger fire-and-forget, and recording awaits the
/// ledger's confirmation. The simulated ledger confirms nine orders in ten within a few milliseconds; the tenth
/// confirmation is lost, its TaskCompletionSource stays in <see cref="AwaitingConfirmation"/> forever, and with it the
/// whole chain, about 5 new pending chains a second:
/// <code>
///   Ledger.RecordAsync ──await──▶ Ledger.AwaitConfirmationAsync ──await──▶ TaskCompletionSource (never set)
/// </code>
/// </summary>
internal static class Ledger
{
    private const int LoseOneIn = 4;
    private static readonly ConcurrentDictionary<int, TaskCompletionSource<bool>> AwaitingConfirmation = new();
    private static long recorded;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task RecordAsync(int orderId, decimal total)
    {
        if (await AwaitConfirmationAsync(orderId) && total >= 0)
        {
            Interlocked.Increment(ref recorded);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<bool> AwaitConfirmationAsync(int orderId)
    {
        var confirmation = new TaskCompletionSource<bool>(orderId, TaskCreationOptions.RunContinuationsAsynchronously);
        AwaitingConfirmation[orderId] = confirmation;
        _ = ConfirmSoonAsync(orderId);
        return await confirmation.Task;
    }

    /// <summary>The simulated ledger: confirms after 5–50 ms, except every tenth order, whose confirmation is lost.</summary>
    private static async Task ConfirmSoonAsync(int orderId)
    {
        if (orderId % LoseOneIn == 0)
        {
            return; // lost: the TaskCompletionSource stays in AwaitingConfirmation, never completed
        }

        await Task.Delay(Random.Shared.Next(5, 50));
        if (AwaitingConfirmation.TryRemove(orderId, out var confirmation))
        {
            confirmation.TrySetResult(true);
        }
    }
}
