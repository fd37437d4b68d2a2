using LeakWatch.Agent.Targets;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Reads a target's open descriptors from /proc/PID/fd (link targets) and names its sockets from /proc/PID/net,
/// the target's own network namespace. Read while the target runs, just after the walk. Null when /proc/PID/fd is
/// not readable (another user without CAP_SYS_PTRACE, a process in another pid namespace).
/// </summary>
internal static class DescriptorReader
{
    /// <summary>Descriptors read at most, so the agent's memory stays bounded (a process may hold a million).</summary>
    public const int MaxDescriptors = 100_000;

    public static DescriptorSection? Read(int pid)
    {
        var directory = Path.Combine(ProcFs.ProcessDirectory(pid), "fd");
        var links = new List<string>();
        try
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(directory).Take(MaxDescriptors))
            {
                // A descriptor closed between the listing and the read has no link target any more.
                if (new FileInfo(path).LinkTarget is { } target)
                {
                    links.Add(target);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var sockets = links.Exists(l => l.StartsWith("socket:", StringComparison.Ordinal))
            ? ReadSocketTables(pid)
            : new Dictionary<long, string>();
        return DescriptorNormalizer.Group(links, sockets);
    }

    private static Dictionary<long, string> ReadSocketTables(int pid)
    {
        var net = Path.Combine(ProcFs.ProcessDirectory(pid), "net");
        string? Table(string name) => ProcFs.TryRead(Path.Combine(net, name));
        return ProcNetTables.Parse(Table("tcp"), Table("tcp6"), Table("udp"), Table("udp6"), Table("unix"));
    }
}
