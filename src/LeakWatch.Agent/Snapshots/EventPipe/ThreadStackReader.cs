using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace LeakWatch.Agent.Snapshots.EventPipe;

/// <summary>
/// Reads a sample-profiler trace back as one raw stack per thread (innermost frame first), in the shape the ClrMD
/// walk produces, so <see cref="Core.Stacks.StackGrouper"/> groups both the same way. Each thread's first sample
/// is its stack; later passes of the same session only repeat it. Frames whose address names no managed method
/// (native code of the runtime, the C library) become null and are dropped by the normaliser, as ClrMD's runtime
/// frames are.
/// </summary>
internal static class ThreadStackReader
{
    /// <summary>Each thread's first stack, and the time from the first sample to the last (the profiler's passes).</summary>
    public static (List<IReadOnlyList<string?>> Stacks, TimeSpan Sampling) Read(string tracePath, int maxFrames)
    {
        var etlx = Path.ChangeExtension(tracePath, ".etlx");
        TraceLog.CreateFromEventPipeDataFile(tracePath, etlx);
        using var log = new TraceLog(etlx);
        var seen = new HashSet<int>();
        var stacks = new List<IReadOnlyList<string?>>();
        double? first = null;
        double last = 0;
        foreach (var sample in log.Events.Filter(e => e.ProviderName == EventPipeStackDefaults.SampleProfilerProvider))
        {
            first ??= sample.TimeStampRelativeMSec;
            last = sample.TimeStampRelativeMSec;
            if (!seen.Add(sample.ThreadID))
            {
                continue;
            }

            var frames = new List<string?>();
            for (var frame = sample.CallStack(); frame is not null && frames.Count < maxFrames; frame = frame.Caller)
            {
                frames.Add(FrameName(frame.CodeAddress));
            }

            stacks.Add(frames);
        }

        return (stacks, TimeSpan.FromMilliseconds(first is { } start ? last - start : 0));
    }

    /// <summary>Counts the threads in a trace without naming anything: what the periodic thread count needs.</summary>
    public static int CountThreads(string tracePath)
    {
        using var source = new EventPipeEventSource(tracePath);
        var threads = new HashSet<int>();
        source.Dynamic.All += e =>
        {
            if (e.ProviderName == EventPipeStackDefaults.SampleProfilerProvider)
            {
                threads.Add(e.ThreadID);
            }
        };
        source.Process();
        return threads.Count;
    }

    /// <summary>"Orders.AckWaiter.WaitForAck" as the runtime's rundown named it; null for an address in native code.</summary>
    private static string? FrameName(TraceCodeAddress address)
    {
        var method = address.Method;
        return method is null || string.IsNullOrEmpty(method.FullMethodName) ? null : method.FullMethodName;
    }
}
