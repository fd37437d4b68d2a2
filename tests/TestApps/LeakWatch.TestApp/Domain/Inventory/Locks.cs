using System.Runtime.CompilerServices;

namespace Inventory;

/// <summary>
/// Three ways to wait for a lock that is never released:
/// <code>
///   AcquireAsync   ──await──▶ SemaphoreSlim(0).WaitAsync()   (never Released)
///   thread ──▶ WaitForLock   ──▶ Monitor.Wait(RebalanceGate)  (never Pulsed)
///   thread ──▶ WaitForSignal ──▶ ManualResetEventSlim.Wait()  (never Set)
/// </code>
/// </summary>
internal static class Locks
{
    private static readonly SemaphoreSlim StockLedgerLock = new(initialCount: 0);
    private static readonly object RebalanceGate = new();
    private static readonly ManualResetEventSlim AuditFinished = new(initialState: false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task AcquireAsync()
    {
        await StockLedgerLock.WaitAsync();
        StockLedgerLock.Release(); // unreachable: the semaphore starts at zero and nobody releases it
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WaitForLock()
    {
        lock (RebalanceGate)
        {
            Monitor.Wait(RebalanceGate); // nobody ever calls Monitor.Pulse(RebalanceGate)
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WaitForSignal() => AuditFinished.Wait();
}
