namespace LeakWatch.Agent.Snapshots.EventPipe;

/// <summary>Documented defaults of the EventPipe stack route (docs/snapshots.md).</summary>
public static class EventPipeStackDefaults
{
    /// <summary>The runtime's sample profiler: one event per managed thread per pass, with the thread's stack.</summary>
    public const string SampleProfilerProvider = "Microsoft-DotNETCore-SampleProfiler";

    /// <summary>The runtime's own provider; enabled with no keyword when only a rundown is wanted.</summary>
    public const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>How long the sample profiler runs: a few 1 ms passes, so every managed thread is caught at least once.</summary>
    public static readonly TimeSpan SampleFor = TimeSpan.FromMilliseconds(10);

    /// <summary>A sample with no thread in it (a loaded machine started the profiler late) is taken once more, this long.</summary>
    public static readonly TimeSpan RetrySampleFor = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest the runtime may take to flush the session (and its rundown) once stopped.</summary>
    public static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(30);
}
