using System.Globalization;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// The OS's view of the target from /proc: thread count (the runtime reports only thread-pool threads,
/// and a thread leak is usually outside the pool), open descriptors, resident memory and CPU time.
/// Yields nothing when /proc/PID is not visible, so those series are absent rather than zero.
/// </summary>
public static class ProcStatSource
{
    public static IEnumerable<MetricSample> Read(int pid, DateTimeOffset now)
    {
        var directory = ProcFs.ProcessDirectory(pid);
        var status = ProcFs.TryRead(Path.Combine(directory, "status"));
        if (status is null || ProcFs.IsStopped(pid))
        {
            // A stopped process (SIGSTOP, a debugger) has frozen figures: reading them again would feed the rules and
            // the terminal old values as new points. Its counters' silence marks it stale instead.
            yield break;
        }

        if (ProcFs.StatusField(status, "Threads:") is { } threads)
        {
            yield return Gauge("process_num_threads", threads, now, "Number of OS threads in the process.");
        }

        if (ProcFs.StatusField(status, "VmRSS:") is { } rssKilobytes)
        {
            yield return Gauge("process_resident_memory_bytes", rssKilobytes * 1024, now, "Resident memory size in bytes.");
        }

        if (ProcFs.OpenDescriptors(pid) is { } descriptors)
        {
            yield return Gauge("process_open_fds", descriptors, now, "Number of open file descriptors.");
        }

        if (CpuSeconds(pid) is { } cpu)
        {
            yield return new MetricSample("process_cpu_seconds_total", MetricKind.Counter, cpu, now, LabelSet.Empty, "Total user and system CPU time spent in seconds.");
        }
    }

    private static MetricSample Gauge(string name, double value, DateTimeOffset now, string help) =>
        new(name, MetricKind.Gauge, value, now, LabelSet.Empty, help);

    /// <summary>utime + stime (fields 14 and 15 of /proc/PID/stat) in seconds.</summary>
    private static double? CpuSeconds(int pid) =>
        ProcFs.StatFields(pid) is { } fields && ProcFs.StatField(fields, 14) is { } user && ProcFs.StatField(fields, 15) is { } system
            ? (user + system) / ProcFs.ClockTicksPerSecond
            : null;
}
