using System.Runtime.CompilerServices;

namespace Billing;

/// <summary>
/// One of two leaking methods that share a name (see Shipping.Labels.DupAsync), so a report must tell them apart
/// by type: <c>Invoices.DupAsync ──await──▶ TaskCompletionSource.Task</c> (kept in <see cref="Pending"/>, never set).
/// </summary>
internal static class Invoices
{
    private static readonly List<TaskCompletionSource<bool>> Pending = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<bool> DupAsync(int invoiceId)
    {
        var delivered = new TaskCompletionSource<bool>(invoiceId, TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Pending)
        {
            Pending.Add(delivered);
        }

        return await delivered.Task;
    }
}
