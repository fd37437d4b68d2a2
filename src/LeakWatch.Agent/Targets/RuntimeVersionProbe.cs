using System.Diagnostics;
using System.Reflection;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// Finds a target's .NET runtime version, which decides the counter route (System.Runtime meter on 9+,
/// EventCounters before). Two ways, in order: the version stamped on the System.Private.CoreLib.dll the
/// process has mapped (needs /proc), then the runtime's own answer over the diagnostics IPC.
/// </summary>
public static class RuntimeVersionProbe
{
    public static Version? FromMappedCoreLib(int pid)
    {
        var coreLib = ProcFs.MappedFiles(pid)?.FirstOrDefault(p => p.EndsWith("/System.Private.CoreLib.dll", StringComparison.Ordinal));
        if (coreLib is null || !File.Exists(coreLib))
        {
            return null;
        }

        try
        {
            return ParseProductVersion(FileVersionInfo.GetVersionInfo(coreLib).ProductVersion);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// NETCore.Client answers the ProcessInfo IPC command but keeps the method internal; reaching it by
    /// reflection is the only way when /proc is not shared (a sidecar listening on a diagnostic port).
    /// Any failure means "unknown", never an error.
    /// </summary>
    public static (Version? Version, int? Pid, string? EntryAssembly) FromIpc(DiagnosticsClient client) =>
        ReadProcessInfo(client) is { } info ? (info.RuntimeVersion, info.Pid, info.EntryAssembly) : (null, null, null);

    /// <summary>The runtime's ProcessInfo answer (see <see cref="FromIpc"/>), or null when it cannot be had.</summary>
    public static IpcProcessInfo? ReadProcessInfo(DiagnosticsClient client)
    {
        try
        {
            var method = typeof(DiagnosticsClient).GetMethod("GetProcessInfo", BindingFlags.Instance | BindingFlags.NonPublic);
            var info = method?.Invoke(client, null);
            if (info is null)
            {
                return null;
            }

            var type = info.GetType();
            var version = type.GetProperty("ClrProductVersionString")?.GetValue(info) as string;
            var pid = type.GetProperty("ProcessId")?.GetValue(info) is ulong id ? (int?)checked((int)id) : null;
            var entry = type.GetProperty("ManagedEntrypointAssemblyName")?.GetValue(info) as string;
            var commandLine = type.GetProperty("CommandLine")?.GetValue(info) as string;
            return new IpcProcessInfo(ParseProductVersion(version), pid, string.IsNullOrEmpty(entry) ? null : entry, commandLine ?? "");
        }
        catch (Exception e) when (e is TargetInvocationException or MemberAccessException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>"10.0.12+95017c711e" or "8.0.22-servicing.25" → 10.0.12 / 8.0.22.</summary>
    public static Version? ParseProductVersion(string? productVersion)
    {
        if (string.IsNullOrWhiteSpace(productVersion))
        {
            return null;
        }

        var end = productVersion.IndexOfAny(['+', '-', ' ']);
        var core = end >= 0 ? productVersion[..end] : productVersion;
        return Version.TryParse(core, out var version) ? version : null;
    }
}
