namespace LeakWatch.Agent.Snapshots.EventPipe;

/// <summary>Documented defaults of the EventPipe stack route (docs/snapshots.md).</summary>
public static class EventPipeStackDefaults
{
    /// <summary>The runtime's sample profiler: one event per managed thread per pass, with the thread's stack.</summary>
    public const string SampleProfilerProvider = "Microsoft-DotNETCore-SampleProfiler";

    /// <summary>The runtime's own provider; enabled with no keyword when only a rundown is wanted.</summary>
    public const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>
    /// How long the sample profiler runs before each attempt's stop: first not at all (stopped as soon as it has
    /// started, which leaves time for one or a few passes, each one suspension of the target), then, only if that
    /// caught no thread (the profiler's thread was not scheduled before the stop on a loaded machine, which stopped
    /// nothing), dotnet-stack's 10 ms, then 100 ms. An attempt with no sample cost the target no suspension.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> SampleAttempts = [TimeSpan.Zero, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100)];

    /// <summary>The longest the runtime may take to flush the session (and its rundown) once stopped.</summary>
    public static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(30);
}
