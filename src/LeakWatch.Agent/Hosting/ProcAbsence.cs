using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// A target whose /proc the agent cannot see (it connected from another pid namespace): the OS series are absent,
/// which is said once, and its threads are counted by the runtime instead (<see cref="ManagedThreadCountSource"/>).
/// </summary>
internal static class ProcAbsence
{
    /// <summary>The series that come from /proc/PID (docs/metrics.md, "What each topology exports").</summary>
    public static readonly string[] AbsentSeries = ["process_num_threads", "process_open_fds", "process_resident_memory_bytes", "process_cpu_seconds_total"];

    public static string Line(TargetProcess target) =>
        $"{target.Pid} ({target.Name}): {string.Join(", ", AbsentSeries)} are absent: its /proc is not visible here ({target.Connection?.PidInvisibleReason ?? "another pid namespace"}); " +
        $"threads are counted by the runtime as {ManagedThreadCountSource.SeriesName}, and the thread-leak rule reads that.";

    public static TargetSource ThreadCount(TimeSpan interval, AgentHealth health, TimeProvider time, Action<string> message) =>
        (target, client, sink, cancellation) =>
        {
            var source = new ManagedThreadCountSource(target, client, interval, health, time);
            source.Warning += line => message($"{target.Pid} ({target.Name}): {line}");
            return source.RunAsync(sink, cancellation);
        };
}
