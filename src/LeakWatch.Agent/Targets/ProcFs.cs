using System.Globalization;
using System.Runtime.InteropServices;

namespace LeakWatch.Agent.Targets;

/// <summary>Reads what Linux's /proc says about a process. Every method returns null when the process is not visible.</summary>
public static partial class ProcFs
{
    public static string ProcessDirectory(int pid) => $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";

    public static bool IsVisible(int pid) => Directory.Exists(ProcessDirectory(pid));

    /// <summary>Whether the process is stopped by a signal (state T) or stopped under a tracer (state t).</summary>
    public static bool IsStopped(int pid) => State(pid) is 'T' or 't';

    /// <summary>Whether the process has exited and waits to be reaped (state Z in /proc/PID/stat).</summary>
    public static bool IsZombie(int pid) => State(pid) == 'Z';

    /// <summary>Whether one thread of the process is in a ptrace stop (state t in /proc/PID/task/TID/stat).</summary>
    public static bool IsInTracingStop(int pid, uint tid) =>
        StateIn(Path.Combine(ProcessDirectory(pid), "task", tid.ToString(CultureInfo.InvariantCulture), "stat")) == 't';

    /// <summary>"Threads:\t42" → 42; "VmRSS:\t  1234 kB" → 1234: a field of /proc/PID/status or /proc/meminfo.</summary>
    public static double? StatusField(string status, string field)
    {
        var start = status.IndexOf(field, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var end = status.IndexOf('\n', start);
        var text = status[(start + field.Length)..(end < 0 ? status.Length : end)].Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return double.TryParse(space < 0 ? text : text[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static char? State(int pid) => StateIn(Path.Combine(ProcessDirectory(pid), "stat"));

    /// <summary>The state letter: the field after the parenthesised name (which may itself hold spaces and parentheses).</summary>
    internal static char? StateIn(string statPath)
    {
        var stat = TryRead(statPath);
        var close = stat?.LastIndexOf(')') ?? -1;
        return stat is not null && close >= 0 && close + 2 < stat.Length ? stat[close + 2] : null;
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

    /// <summary>USER_HZ, the unit of the clock-tick fields of /proc/PID/stat: 100 on every mainstream Linux architecture.</summary>
    public const double ClockTicksPerSecond = 100;

    /// <summary>
    /// Fields 3 onwards of /proc/PID/stat (counted after the ")" that ends the command name, which may itself contain
    /// spaces), or null. Read a field by its stat(5) number with <see cref="StatField"/>.
    /// </summary>
    public static string[]? StatFields(int pid)
    {
        var stat = TryRead(Path.Combine(ProcessDirectory(pid), "stat"));
        var close = stat?.LastIndexOf(')') ?? -1;
        return stat is null || close < 0 || close + 2 > stat.Length ? null : stat[(close + 2)..].Split(' ');
    }

    /// <summary>Field N (1-based, as stat(5) numbers them) of <see cref="StatFields"/> as a number, or null.</summary>
    public static double? StatField(string[] fields, int field)
    {
        var index = field - 3; // the state, field 3, comes first
        return index >= 0 && index < fields.Length
               && double.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    /// <summary>How long ago the process started (starttime, field 22, against /proc/uptime), or null.</summary>
    public static TimeSpan? Age(int pid)
    {
        var uptime = TryRead("/proc/uptime");
        return StatFields(pid) is { } fields
               && StatField(fields, 22) is { } startTicks
               && uptime is not null
               && double.TryParse(uptime.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var uptimeSeconds)
            ? TimeSpan.FromSeconds(Math.Max(0, uptimeSeconds - startTicks / ClockTicksPerSecond))
            : null;
    }

    /// <summary>
    /// The number of open file descriptors, or null. Since Linux 6.2 the size of /proc/PID/fd is that number, one
    /// statx instead of listing the directory (which .NET does with an lstat and a stat per descriptor, thousands of
    /// system calls a second on a busy server); older kernels report 0 there and the directory is listed.
    /// </summary>
    public static int? OpenDescriptors(int pid)
    {
        var directory = Path.Combine(ProcessDirectory(pid), "fd");
        if (DirectorySize(directory) is > 0 and var size)
        {
            return (int)size;
        }

        try
        {
            return Directory.EnumerateFileSystemEntries(directory).Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static volatile bool s_statxMissing;

    /// <summary>st_size of a path by statx, whose buffer layout is the same on every architecture; null when unknown.</summary>
    private static unsafe long? DirectorySize(string path)
    {
        if (s_statxMissing || !OperatingSystem.IsLinux())
        {
            return null;
        }

        const int AtFdCwd = -100;
        const uint StatxSize = 0x200;
        const int SizeOffset = 40; // struct statx: stx_size follows mask, blksize, attributes, nlink, uid, gid, mode, ino
        var buffer = stackalloc byte[256];
        try
        {
            return Statx(AtFdCwd, path, 0, StatxSize, buffer) == 0 ? *(long*)(buffer + SizeOffset) : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_statxMissing = true; // a C library without statx (old glibc, some musl): list the directory
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

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
