using System.Globalization;
using System.Text.RegularExpressions;
using LeakWatch.Core.Samples;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// The node agent's view (<c>attach --all</c> with hostPID): .NET processes in other containers, whose diagnostic
/// socket is in their own /tmp, invisible at the agent's /tmp. Their files are reachable under /proc/PID/root, so the
/// socket is looked for at /proc/PID/root$TMPDIR (TMPDIR from /proc/PID/environ when readable, /tmp otherwise), named
/// with the pid the process has in its own pid namespace (the last of NSpid in /proc/PID/status). The container is
/// named by the id in /proc/PID/cgroup. Processes that share the agent's mount and pid namespaces are left to the
/// usual look-up.
/// </summary>
public static partial class ContainerTargets
{
    /// <summary>Host pid → socket path, for every .NET process of another container that publishes a live socket.</summary>
    public static Dictionary<int, string> Find()
    {
        var found = new Dictionary<int, string>();
        var ownMountNamespace = Link("/proc/self/ns/mnt");
        foreach (var directory in SafeEnumerate("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            var ownPid = NamespacePid(pid);
            if (ownPid is null || (ownPid == pid && Link($"/proc/{pid}/ns/mnt") == ownMountNamespace))
            {
                continue; // our namespaces: the usual look-up finds it
            }

            if (SocketOf(pid, ownPid.Value) is { } socket)
            {
                found[pid] = socket;
            }
        }

        return found;
    }

    /// <summary>
    /// The process as <see cref="TargetResolver.Describe"/> sees it; for one found in another container, with a
    /// connection over its own socket (the pid-based look-up would search the agent's /tmp) and its container id.
    /// </summary>
    public static TargetProcess Describe(int pid, IReadOnlyDictionary<int, string> sockets)
    {
        var target = TargetResolver.Describe(pid);
        if (!sockets.TryGetValue(pid, out var socket))
        {
            return target;
        }

        var connector = DiagnosticsClientConnector.FromDiagnosticPort($"{socket},connect", CancellationToken.None).GetAwaiter().GetResult();
        return target with { Connection = new RuntimeConnection(connector.Instance, PidVisible: true, RuntimeInstance: null), ContainerId = ContainerId(pid) };
    }

    /// <summary><c>leakwatch_target_info{container_id}</c>: 1 for a target found in a container, to join its series with.</summary>
    public static void Announce(ISampleSink sink, TargetProcess target, DateTimeOffset at)
    {
        if (target.ContainerId is { } container)
        {
            sink.OnSample(target, new MetricSample(InfoSeries, MetricKind.Gauge, 1, at, LabelSet.Of(("container_id", container)),
                "Always 1: the container a watched process runs in (node agent, attach --all); join on pid to label its series."));
        }
    }

    public const string InfoSeries = "leakwatch_target_info";

    /// <summary>The container id (64 hex digits of docker, containerd, CRI-O) in /proc/PID/cgroup, or null.</summary>
    public static string? ContainerId(int pid)
    {
        var text = ProcFs.TryRead($"/proc/{pid}/cgroup");
        return text is null ? null : ParseContainerId(text);
    }

    /// <summary>"0::/kubepods.slice/.../cri-containerd-3f2a...9c.scope" → "3f2a...9c".</summary>
    public static string? ParseContainerId(string cgroup)
    {
        var match = ContainerIdPattern().Match(cgroup);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("(?<![0-9a-f])([0-9a-f]{64})(?![0-9a-f])")]
    private static partial Regex ContainerIdPattern();

    private static string? SocketOf(int pid, int ownPid)
    {
        var root = $"/proc/{pid}/root";
        var temp = TempDirectory(pid);
        var startTime = ProcFs.StatFields(pid) is { } fields ? ProcFs.StatField(fields, 22) : null;
        foreach (var socket in SafeEnumerate(root + temp, $"dotnet-diagnostic-{ownPid}-*-socket"))
        {
            // The key is the process's start time: a socket left by an earlier process with the same pid does not count.
            var parts = Path.GetFileName(socket).Split('-');
            if (parts.Length == 5 && (startTime is null || parts[3] == startTime.Value.ToString(CultureInfo.InvariantCulture)))
            {
                return socket;
            }
        }

        return null;
    }

    private static string TempDirectory(int pid)
    {
        var environment = ProcFs.TryRead($"/proc/{pid}/environ");
        var tmpdir = environment?.Split('\0').FirstOrDefault(v => v.StartsWith("TMPDIR=", StringComparison.Ordinal))?["TMPDIR=".Length..];
        return string.IsNullOrEmpty(tmpdir) || !tmpdir.StartsWith('/') ? "/tmp" : tmpdir.TrimEnd('/');
    }

    private static int? NamespacePid(int pid)
    {
        var line = ProcFs.TryRead($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
        var last = line?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var own) ? own : null;
    }

    private static string? Link(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget; // "mnt:[4026531840]"
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<string> SafeEnumerate(string directory, string pattern = "*")
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(directory, pattern).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
