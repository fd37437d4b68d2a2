using System.Globalization;
using System.Net.Sockets;
using LeakWatch.Core;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>Turns what the user typed (a pid, a name) into a <see cref="TargetProcess"/>, or a clear error.</summary>
public static class TargetResolver
{
    /// <summary>Every .NET process with a diagnostic port this user can see, except leakwatch itself.</summary>
    public static IReadOnlyList<TargetProcess> ListAttachable()
    {
        return ListAttachablePids()
            .Select(Describe)
            .OrderBy(p => p.Pid)
            .ToList();
    }

    /// <summary>The pids of <see cref="ListAttachable"/> without describing each process: cheap enough to poll.</summary>
    public static IReadOnlyList<int> ListAttachablePids()
    {
        var self = Environment.ProcessId;
        return PublishedPids().Where(pid => pid != self && ProcFs.IsVisible(pid)).Order().ToList();
    }

    /// <summary>
    /// The pids with a live diagnostic socket. The runtime names its socket <c>dotnet-diagnostic-{pid}-{key}-socket</c>,
    /// the key being the process's start time in clock ticks (field 22 of /proc/PID/stat). A process killed with
    /// SIGKILL leaves its socket behind, and once pids wrap a stale socket would make an unrelated process (a
    /// <c>sleep</c>) look like .NET: a socket counts only when its key matches the process now holding that pid.
    /// </summary>
    private static IEnumerable<int> PublishedPids()
    {
        var published = DiagnosticsClient.GetPublishedProcesses().ToHashSet();
        return SocketKeys("*") is { } keys
            ? published.Where(pid => !keys.ContainsKey(pid) || KeyIsStartTime(pid, keys[pid]))
            : published; // cannot read the folder: trust the client's list
    }

    /// <summary>
    /// <see cref="PublishedPids"/> for one pid, reading only that pid's socket names:
    /// <see cref="DiagnosticsClient.GetPublishedProcesses"/> reads every file in the temp directory, matches each with a
    /// Regex and probes every pid it finds, megabytes of start-up garbage that stay in the agent's resident set where
    /// /tmp is crowded (docs/benchmarks.md, "Counters").
    /// </summary>
    private static bool HasLiveSocket(int pid) =>
        SocketKeys(pid.ToString(CultureInfo.InvariantCulture)) is { } keys
            ? keys.TryGetValue(pid, out var socketKeys) && KeyIsStartTime(pid, socketKeys)
            : PublishedPids().Contains(pid);

    /// <summary>The keys of the sockets <c>dotnet-diagnostic-{pid}-{key}-socket</c> by pid, for a pid glob; null when the folder cannot be read.</summary>
    private static Dictionary<int, List<double>>? SocketKeys(string pidPattern)
    {
        var keys = new Dictionary<int, List<double>>();
        try
        {
            foreach (var socket in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{pidPattern}-*-socket"))
            {
                var parts = Path.GetFileName(socket).Split('-');
                if (parts.Length == 5
                    && int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                    && double.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var key))
                {
                    (keys.TryGetValue(pid, out var list) ? list : keys[pid] = []).Add(key);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return keys;
    }

    /// <summary>Whether one of a pid's socket keys is its start time now (true when the start time cannot be read).</summary>
    private static bool KeyIsStartTime(int pid, List<double> socketKeys) =>
        ProcFs.StatFields(pid) is not { } fields || ProcFs.StatField(fields, 22) is not { } startTime || socketKeys.Contains(startTime);

    public static TargetProcess ByPid(int pid)
    {
        if (pid <= 0)
        {
            throw new LeakWatchException(ExitCode.UsageError, $"--pid must be a positive number, not {pid}.");
        }

        if (!ProcessExists(pid))
        {
            throw new LeakWatchException(ExitCode.TargetNotFound, $"No process has pid {pid}. Run 'leakwatch ps' to list the .NET processes you can attach to.");
        }

        if (!HasLiveSocket(pid))
        {
            if (!ProcessExists(pid))
            {
                // It exited between the two looks (its socket goes first): not found, not "not .NET".
                throw new LeakWatchException(ExitCode.TargetNotFound, $"No process has pid {pid}. Run 'leakwatch ps' to list the .NET processes you can attach to.");
            }

            var name = ProcFs.Comm(pid) ?? "?";
            throw new LeakWatchException(
                ExitCode.TargetNotSupported,
                $"Process {pid} ({name}) has no .NET diagnostic port: it is not a .NET process, runs with DOTNET_EnableDiagnostics=0, or uses another TMPDIR (set TMPDIR to match the target's).");
        }

        return Describe(pid);
    }

    public static TargetProcess ByName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new LeakWatchException(ExitCode.UsageError, "--name must not be empty.");
        }

        var matches = ListAttachable().Where(p => Matches(p, name)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new LeakWatchException(ExitCode.TargetNotFound, $"No .NET process is named '{name}'. Run 'leakwatch ps' to see the names, or use --pid."),
            _ => throw new LeakWatchException(
                ExitCode.TargetNotFound,
                $"{matches.Count} .NET processes are named '{name}' (pids {string.Join(", ", matches.Select(m => m.Pid))}): choose one with --pid."),
        };
    }

    /// <summary>Maps an exception from talking to the target into the user-facing error, or null if it is not one.</summary>
    public static LeakWatchException? Explain(Exception error, TargetProcess target)
    {
        var root = error;
        while (root.InnerException is not null && root is not UnauthorizedAccessException && root is not SocketException)
        {
            root = root.InnerException;
        }

        if (root is UnauthorizedAccessException || (root is SocketException socket && socket.SocketErrorCode == SocketError.AccessDenied))
        {
            return new LeakWatchException(
                ExitCode.PermissionDenied,
                $"Permission denied talking to process {target.Pid} ({target.Name}): run leakwatch as the same user as the target, or as root.",
                error);
        }

        if (!ProcessExists(target.Pid))
        {
            return new LeakWatchException(ExitCode.TargetExited, $"Process {target.Pid} ({target.Name}) exited.", error);
        }

        if (error is ServerNotAvailableException)
        {
            return new LeakWatchException(
                ExitCode.TargetNotSupported,
                $"Process {target.Pid} ({target.Name}) did not answer on its diagnostic port: is it a .NET process that has finished starting?",
                error);
        }

        if (error is UnsupportedCommandException or UnsupportedProtocolException)
        {
            return new LeakWatchException(
                ExitCode.TargetNotSupported,
                $"Process {target.Pid} ({target.Name}) runs a .NET runtime too old for this command: leakwatch needs .NET 8 or later.",
                error);
        }

        return null;
    }

    public static bool ProcessExists(int pid)
    {
        if (ProcFs.IsVisible(pid))
        {
            // A killed process whose parent has not reaped it yet is still listed, as a zombie: it is gone.
            return !ProcFs.IsZombie(pid);
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    internal static TargetProcess Describe(int pid)
    {
        var arguments = ProcFs.Arguments(pid) ?? [];
        return new TargetProcess(
            pid,
            NameFromArguments(arguments) ?? ProcFs.Comm(pid) ?? pid.ToString(CultureInfo.InvariantCulture),
            string.Join(' ', arguments),
            RuntimeVersionProbe.FromMappedCoreLib(pid));
    }

    /// <summary>
    /// Whether /proc/PID is this target and not another process with the same number (a target in another pid
    /// namespace, known only by its own pid through its diagnostic socket): its name read from /proc matches.
    /// </summary>
    public static bool ProcShows(TargetProcess target) =>
        ProcFs.Arguments(target.Pid) is { } arguments
        && string.Equals(NameFromArguments(arguments) ?? ProcFs.Comm(target.Pid), target.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// "dotnet /app/Orders.dll" is named Orders, an apphost "/app/Orders" too: the kernel's comm would say
    /// "dotnet", or cut the name at 15 characters.
    /// </summary>
    public static string? NameFromArguments(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || string.IsNullOrEmpty(arguments[0]))
        {
            return null;
        }

        var executable = Path.GetFileName(arguments[0]);
        if (executable is "dotnet" or "dotnet.exe")
        {
            var assembly = arguments.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
            if (assembly is not null)
            {
                return Path.GetFileNameWithoutExtension(assembly);
            }
        }

        return executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? Path.GetFileNameWithoutExtension(executable) : executable;
    }

    /// <summary>Whether a process goes by this name: the name <c>ps</c> shows, or the kernel's short name.</summary>
    public static bool Matches(TargetProcess process, string name) =>
        string.Equals(process.Name, name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(ProcFs.Comm(process.Pid), name, StringComparison.OrdinalIgnoreCase);
}
