using System.Globalization;

namespace LeakWatch.Agent.Targets;

/// <summary>Reads what Linux's /proc says about a process. Every method returns null when the process is not visible.</summary>
public static class ProcFs
{
    public static string ProcessDirectory(int pid) => $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";

    public static bool IsVisible(int pid) => Directory.Exists(ProcessDirectory(pid));

    /// <summary>Whether the process has exited and waits to be reaped (state Z in /proc/PID/stat).</summary>
    public static bool IsZombie(int pid)
    {
        var stat = TryRead(Path.Combine(ProcessDirectory(pid), "stat"));
        var close = stat?.LastIndexOf(')') ?? -1;
        return stat is not null && close >= 0 && close + 2 < stat.Length && stat[close + 2] == 'Z';
    }

    /// <summary>The command line with arguments separated by spaces, or null.</summary>
    public static string? CommandLine(int pid)
    {
        var raw = TryRead(Path.Combine(ProcessDirectory(pid), "cmdline"));
        return raw?.TrimEnd('\0').Replace('\0', ' ');
    }

    /// <summary>The arguments of the command line, or null.</summary>
    public static string[]? Arguments(int pid) =>
        TryRead(Path.Combine(ProcessDirectory(pid), "cmdline"))?.TrimEnd('\0').Split('\0');

    /// <summary>The kernel's short name of the process (15 characters at most), or null.</summary>
    public static string? Comm(int pid) => TryRead(Path.Combine(ProcessDirectory(pid), "comm"))?.Trim();

    /// <summary>Paths of the files the process has mapped, or null.</summary>
    public static IEnumerable<string>? MappedFiles(int pid)
    {
        var maps = TryRead(Path.Combine(ProcessDirectory(pid), "maps"));
        if (maps is null)
        {
            return null;
        }

        return maps.Split('\n')
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..].Trim() : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>How long ago the process started (starttime in /proc/PID/stat against /proc/uptime), or null.</summary>
    public static TimeSpan? Age(int pid)
    {
        const double ClockTicksPerSecond = 100; // USER_HZ
        var stat = TryRead(Path.Combine(ProcessDirectory(pid), "stat"));
        var uptime = TryRead("/proc/uptime");
        var close = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || uptime is null || close < 0)
        {
            return null;
        }

        // After ")" the state is field 3 of stat(5), so starttime (field 22) is at index 19.
        var fields = stat[(close + 2)..].Split(' ');
        return fields.Length > 19
               && double.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var startTicks)
               && double.TryParse(uptime.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var uptimeSeconds)
            ? TimeSpan.FromSeconds(Math.Max(0, uptimeSeconds - startTicks / ClockTicksPerSecond))
            : null;
    }

    internal static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
