using System.Runtime.CompilerServices;

namespace Payments;

/// <summary>
/// Threads blocked inside a runtime-async method, before its first await: their stacks hold the method's async
/// variant, whose name the .NET 10 DAC cannot give (asking crashed the analyser), so snapshots name it from metadata.
/// <code>
///   thread ──▶ LedgerWriter.FlushAsync (runtime async, never awaited yet) ──▶ ManualResetEventSlim.Wait (never set)
/// </code>
/// </summary>
internal static class LedgerWriter
{
    private static readonly ManualResetEventSlim LedgerUnlocked = new(false);

    public static void StartBlockedThreads(int count)
    {
        for (var i = 0; i < count; i++)
        {
            new Thread(() => FlushAsync().GetAwaiter().GetResult()) { IsBackground = true, Name = "ledger-writer" }.Start();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task FlushAsync()
    {
        LedgerUnlocked.Wait();
        await Task.Yield();
    }
}
