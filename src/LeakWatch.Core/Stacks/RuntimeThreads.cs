namespace LeakWatch.Core.Stacks;

/// <summary>
/// Recognises the runtime's own threads when they are idle (thread-pool workers waiting for work, the gate, wait,
/// timer and I/O threads, EventPipe and counter threads, threads with no managed frame such as the finalizer or the
/// tiered-compilation worker), so a diff does not headline them: they come and go with load, not with a leak.
/// A thread is idle infrastructure when its outermost frame is one of the runtime's thread entry points and none of
/// its frames is application code. A worker running the app's code has the app's frames above the entry point.
/// </summary>
public static class RuntimeThreads
{
    public const string ThreadPoolWorker = "thread-pool worker";
    public const string Native = "native";

    /// <summary>Outermost frame → what the thread is; checked by prefix, in order.</summary>
    private static readonly (string EntryPoint, string Role)[] EntryPoints =
    [
        ("System.Threading.PortableThreadPool+WorkerThread.", ThreadPoolWorker),
        ("System.Threading.PortableThreadPool+GateThread.", "thread-pool gate thread"),
        ("System.Threading.PortableThreadPool+WaitThread.", "thread-pool wait thread"),
        ("System.Threading.PortableThreadPool+IOCompletionPoller.", "thread-pool I/O poller"),
        ("System.Threading.TimerQueue.TimerThread", "timer thread"),
        ("System.Threading.ThreadPoolWorkQueue.Dispatch", ThreadPoolWorker),
        ("System.Threading.ThreadPoolWorkQueue.WorkerThread", ThreadPoolWorker),
        ("System.Net.Sockets.SocketAsyncEngine.EventLoop", "socket event loop"),
        ("System.GC.RunFinalizers", "finalizer"),
        ("System.Diagnostics.Tracing.CounterGroup.", "EventCounters thread"),
        ("System.Diagnostics.Tracing.EventPipeEventDispatcher.", "EventPipe dispatcher"),
        ("System.Diagnostics.Metrics.AggregationManager.", "metrics aggregation thread"),
        ("System.Runtime.CompilerServices.TieredCompilation", "tiered compilation"),
    ];

    /// <summary>What an idle runtime thread is ("thread-pool worker", "timer thread", "native"), or null for any other stack.</summary>
    /// <param name="frames">Normalised frames, innermost first, as in <see cref="ThreadGroup.Frames"/>.</param>
    public static string? IdleRole(IReadOnlyList<string> frames)
    {
        if (frames.Count == 0 || frames is [FrameNormalizer.NativeFrame])
        {
            return Native;
        }

        foreach (var frame in frames)
        {
            if (!IsRuntimeFrame(frame))
            {
                return null;
            }
        }

        var outermost = frames[^1];
        foreach (var (entryPoint, role) in EntryPoints)
        {
            if (outermost.StartsWith(entryPoint, StringComparison.Ordinal))
            {
                return role;
            }
        }

        return null;
    }

    /// <summary>A frame of the runtime or the framework (System.*, Microsoft.*, Interop), not of the application.</summary>
    public static bool IsRuntimeFrame(string frame) =>
        frame.StartsWith("System.", StringComparison.Ordinal)
        || frame.StartsWith("Microsoft.", StringComparison.Ordinal)
        || frame.StartsWith("Interop", StringComparison.Ordinal)
        || frame.StartsWith('[');
}
