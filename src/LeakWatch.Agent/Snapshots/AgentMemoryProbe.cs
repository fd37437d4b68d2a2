using System.Globalization;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Options;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// The agent's own memory, for an auto <see cref="CopyBudget"/>: the memory limit of its cgroup (v2 memory.max or v1
/// memory.limit_in_bytes, the smallest on the way to the root, as the kernel enforces them), the host's MemAvailable,
/// and its resident set. Unreadable files count as no limit and the GC's view of the machine's memory.
/// </summary>
internal static class AgentMemoryProbe
{
    /// <summary>cgroup v1 writes "no limit" as a page-rounded 2^63−1; anything this large is none.</summary>
    private const long NoLimitAbove = 1L << 62;

    public static AgentMemory Read() =>
        new(CgroupLimit("/proc/self/cgroup", "/sys/fs/cgroup"), MemAvailable() ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Environment.WorkingSet);

    /// <summary>The tightest memory limit over the cgroup of /proc/self/cgroup and its parents; null when there is none.</summary>
    internal static long? CgroupLimit(string cgroupFile, string cgroupRoot)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(cgroupFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        long? tightest = null;
        foreach (var line in lines)
        {
            // "0::/kubepods/pod1/abc" (v2) or "4:memory:/docker/abc" (v1); paths are relative to the hierarchy's mount.
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            var (mount, file) = parts[1] switch
            {
                "" => (File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers")) ? cgroupRoot : Path.Combine(cgroupRoot, "unified"), "memory.max"),
                var controllers when controllers.Split(',').Contains("memory") => (Path.Combine(cgroupRoot, "memory"), "memory.limit_in_bytes"),
                _ => ((string?)null, ""),
            };
            if (mount is null)
            {
                continue;
            }

            // Walk from the cgroup up to the mount. In a container without a cgroup namespace the host's path does not
            // exist under the mount, which is then the container's own cgroup: reading the mount itself covers it.
            for (var path = parts[2].Trim('/'); ; path = Path.GetDirectoryName(path) ?? "")
            {
                if (Limit(Path.Combine(mount, path, file)) is { } limit)
                {
                    tightest = Math.Min(tightest ?? long.MaxValue, limit);
                }

                if (path.Length == 0)
                {
                    break;
                }
            }
        }

        return tightest;
    }

    private static long? Limit(string file)
    {
        try
        {
            var text = File.ReadAllText(file).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes < NoLimitAbove ? bytes : null; // "max": none
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? MemAvailable() =>
        ProcFs.TryRead("/proc/meminfo") is { } meminfo && ProcFs.StatusField(meminfo, "MemAvailable:") is { } kib ? (long)kib * 1024 : null;
}
