using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// A target whose /proc the agent cannot see (it connected from another pid namespace): the OS series are absent,
/// which is said once, and its threads are counted by the runtime instead (<see cref="ManagedThreadCountSource"/>),
/// which the thread-leak rule reads as its fallback. Does nothing for a target whose /proc is visible.
/// </summary>
internal sealed class ProcAbsence(IntervalClock clock, AgentHealth health, TimeProvider time) : ITargetSource
{
    /// <summary>The series that come from /proc/PID (docs/metrics.md, "What each topology exports").</summary>
    public static readonly string[] AbsentSeries = ["process_num_threads", "process_open_fds", "process_resident_memory_bytes", "process_cpu_seconds_total"];

    public string Name => "managed_threads";

    public static string Line(TargetProcess target) =>
        $"{string.Join(", ", AbsentSeries)} are absent: its /proc is not visible here ({target.Connection?.PidInvisibleReason ?? "another pid namespace"}); " +
        $"threads are counted by the runtime as {ManagedThreadCountSource.SeriesName}, and the thread-leak rule reads that.";

    public Task RunAsync(TargetConnection target, ISampleSink sink, Action<string> warn, CancellationToken cancellation)
    {
        if (target.ProcVisible)
        {
            return Task.CompletedTask;
        }

        warn(Line(target.Process));
        var source = new ManagedThreadCountSource(target.Process, target.Client, clock, health, time);
        source.Warning += warn;
        return source.RunAsync(sink, cancellation);
    }
}
