using System.Runtime.CompilerServices;

namespace Shipping;

/// <summary>
/// One of two leaking methods that share a name (see Billing.Invoices.DupAsync), so a report must tell them apart
/// by type: <c>Labels.DupAsync ──await──▶ TaskCompletionSource.Task</c> (kept in <see cref="Pending"/>, never set).
/// </summary>
internal static class Labels
{
    private static readonly List<TaskCompletionSource<bool>> Pending = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<bool> DupAsync(int shipmentId)
    {
        var printed = new TaskCompletionSource<bool>(shipmentId, TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Pending)
        {
            Pending.Add(printed);
        }

        return await printed.Task;
    }
}
