using System.Runtime.CompilerServices;

namespace Payments;

/// <summary>
/// Charges an order through a payment gateway whose settlement callback never arrives, so every charge leaves a
/// three-deep async chain pending forever:
/// <code>
///   ChargeAsync ──await──▶ AuthorizeAsync ──await──▶ AwaitSettlementAsync ──await──▶ TaskCompletionSource.Task
///                                                                         (kept in PendingSettlements, never set)
/// </code>
/// </summary>
internal static class Gateway
{
    private static readonly List<TaskCompletionSource<Settlement>> PendingSettlements = [];

    public static int PendingCount
    {
        get
        {
            lock (PendingSettlements)
            {
                return PendingSettlements.Count;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<string> ChargeAsync(int orderId, decimal amount)
    {
        var authorization = await AuthorizeAsync(orderId, amount);
        return $"order {orderId} charged {amount} ({authorization})";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<string> AuthorizeAsync(int orderId, decimal amount)
    {
        await Task.Yield(); // a first await that completes: the method is parked at its second (state 1)
        var settlement = await AwaitSettlementAsync(orderId);
        return settlement.Amount == amount ? settlement.Reference : "amount mismatch";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<Settlement> AwaitSettlementAsync(int orderId)
    {
        var settled = new TaskCompletionSource<Settlement>(orderId, TaskCreationOptions.RunContinuationsAsynchronously);
        lock (PendingSettlements)
        {
            PendingSettlements.Add(settled);
        }

        return await settled.Task; // the gateway never calls back: SetResult is never called
    }

    internal readonly record struct Settlement(string Reference, decimal Amount);
}
