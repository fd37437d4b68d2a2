using System.Runtime.CompilerServices;

namespace Inventory;

/// <summary>
/// Reserves stock that never arrives:
/// <c>WaitForStockAsync ──await──▶ TaskCompletionSource.Task</c> (kept in <see cref="AwaitedRestocks"/>, never set).
/// </summary>
internal static class Reservations
{
    private static readonly List<TaskCompletionSource<int>> AwaitedRestocks = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> WaitForStockAsync(string sku)
    {
        var restocked = new TaskCompletionSource<int>(sku, TaskCreationOptions.RunContinuationsAsynchronously);
        lock (AwaitedRestocks)
        {
            AwaitedRestocks.Add(restocked);
        }

        return await restocked.Task;
    }
}
