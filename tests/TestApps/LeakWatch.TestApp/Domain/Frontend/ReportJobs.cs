using System.Runtime.CompilerServices;

namespace Frontend;

/// <summary>
/// Healthy bursts that grow the thread pool and let it shrink: now and then a batch of report requests blocks pool
/// threads for a few seconds (sync over I/O); the pool injects threads to keep up, and retires them once they have
/// been idle for about 20 s.
/// </summary>
internal static class ReportJobs
{
    private static long rendered;

    public static long Rendered => Interlocked.Read(ref rendered);

    public static void QueueBlockingBatch(int reports, TimeSpan blockFor)
    {
        for (var i = 0; i < reports; i++)
        {
            ThreadPool.QueueUserWorkItem(_ => RenderBlocking(blockFor));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RenderBlocking(TimeSpan blockFor)
    {
        Thread.Sleep(blockFor); // waiting on a slow report database
        Interlocked.Increment(ref rendered);
    }
}
