using System.Runtime.CompilerServices;
using LeakWatch.TestApp;

namespace Frontend;

/// <summary>
/// Busy but healthy front-end traffic: everything it starts finishes within a couple of seconds, so counts go up and
/// down but never trend. Each method is one kind of noise the noisy scenario mixes.
/// </summary>
internal static class Traffic
{
    private static long handledRequests;

    public static long HandledRequests => Interlocked.Read(ref handledRequests);

    /// <summary>A burst of short thread-pool work items (a few microseconds of CPU each).</summary>
    public static void QueueRequestBurst(int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            ThreadPool.QueueUserWorkItem(HandleRequest, i, preferLocal: false);
        }
    }

    /// <summary>Dedicated threads that do a little work and exit after at most <paramref name="lifetime"/>.</summary>
    public static void StartShortLivedThreads(int count, TimeSpan lifetime)
    {
        for (var i = 0; i < count; i++)
        {
            var sleep = TimeSpan.FromMilliseconds(Random.Shared.Next(10, (int)lifetime.TotalMilliseconds));
            DedicatedThreads.StartBackground("short-job", () => RunShortJob(sleep));
        }
    }

    /// <summary>An async backend call that completes after <paramref name="minMs"/>–<paramref name="maxMs"/> ms.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task CallBackendAsync(int minMs, int maxMs, CancellationToken cancellationToken)
    {
        await Task.Delay(Random.Shared.Next(minMs, maxMs + 1), cancellationToken);
        Interlocked.Increment(ref handledRequests);
    }

    /// <summary>A timer created, fired once, and disposed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task UseShortTimerAsync(CancellationToken cancellationToken)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = new Timer(_ => fired.TrySetResult(), null, Random.Shared.Next(10, 100), Timeout.Infinite);
        await fired.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Allocates and drops arrays: mostly small ones, now and then one on the large object heap.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long ChurnGarbage()
    {
        long checksum = 0;
        for (var i = 0; i < 50; i++)
        {
            var size = i == 0 && Random.Shared.Next(10) == 0 ? 1 << 20 : Random.Shared.Next(256, 16 * 1024);
            var buffer = new byte[size];
            buffer[size - 1] = (byte)i;
            checksum += buffer[size - 1];
        }

        return checksum;
    }

    /// <summary>
    /// Garbage every 200 ms until cancelled, so collections run as in a real service: ~2 MB/s of small arrays, and with
    /// <paramref name="largeExports"/> a 1 MB export buffer each time as well (~7 MB/s in all, which brings full collections).
    /// </summary>
    public static Task ChurnForeverAsync(bool largeExports, CancellationToken cancellationToken) =>
        Ticker.EveryAsync(TimeSpan.FromMilliseconds(200), () =>
        {
            ChurnGarbage();
            if (largeExports)
            {
                RenderLargeExport(1);
            }
        }, cancellationToken);

    /// <summary>
    /// An export that builds a large buffer and drops it. Large-object-heap allocations count toward full collections,
    /// so a service doing this every second sees gen2 collections every few seconds, as busy services do.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int RenderLargeExport(int megabytes)
    {
        var buffer = new byte[megabytes << 20];
        buffer[^1] = 1;
        return buffer.Length;
    }

    /// <summary>
    /// A load spike that comes back down: extra threads for a second, a few thousand in-flight async calls for up
    /// to 1.5 s, and 32 MB held for a second.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task SpikeAsync(CancellationToken cancellationToken)
    {
        StartShortLivedThreads(30, TimeSpan.FromSeconds(1));
        var held = Enumerable.Range(0, 32).Select(_ => new byte[1 << 20]).ToList();
        var calls = Enumerable.Range(0, 2000).Select(_ => CallBackendAsync(200, 1500, cancellationToken));
        await Task.WhenAll(calls);
        GC.KeepAlive(held);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HandleRequest(int requestId)
    {
        var hash = (uint)requestId;
        for (var i = 0; i < 2_000; i++)
        {
            hash = (hash ^ (uint)i) * 16_777_619;
        }

        if (hash != 0)
        {
            Interlocked.Increment(ref handledRequests);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunShortJob(TimeSpan sleep)
    {
        HandleRequest(Environment.CurrentManagedThreadId);
        Thread.Sleep(sleep);
    }
}
