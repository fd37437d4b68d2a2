using System.Diagnostics;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// Finds a target's .NET runtime version, which decides the counter route (System.Runtime meter on 9+,
/// EventCounters before). Two ways, in order: the version stamped on the System.Private.CoreLib.dll the
/// process has mapped (needs /proc), then the runtime's own answer over the diagnostics IPC
/// (<see cref="DiagnosticsClientInternals.TryGetProcessInfo"/>).
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
