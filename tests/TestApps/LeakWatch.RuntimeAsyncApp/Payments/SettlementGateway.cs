using System.Runtime.CompilerServices;

namespace Payments;

/// <summary>
/// Payments whose settlement never arrives, compiled with runtime async: a chain of three methods awaiting a
/// TaskCompletionSource kept in a static list, so the chain stays alive and pending forever.
/// <code>
///   SettlementGateway.ChargeAsync ──▶ AuthorizeAsync ──▶ AwaitSettlementAsync ──▶ TaskCompletionSource (never set)
/// </code>
/// </summary>
internal static class SettlementGateway
{
    private static readonly List<TaskCompletionSource<bool>> PendingSettlements = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<bool> ChargeAsync(int orderId, decimal amount)
    {
        var authorized = await AuthorizeAsync(orderId, amount);
        return authorized;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<bool> AuthorizeAsync(int orderId, decimal amount)
    {
        var settled = await AwaitSettlementAsync(orderId);
        return settled && amount > 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<bool> AwaitSettlementAsync(int orderId)
    {
        var settlement = new TaskCompletionSource<bool>(orderId, TaskCreationOptions.RunContinuationsAsynchronously);
        lock (PendingSettlements)
        {
            PendingSettlements.Add(settlement);
        }

        return await settlement.Task;
    }
}
