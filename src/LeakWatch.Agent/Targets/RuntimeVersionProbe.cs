using System.Diagnostics;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// Finds a target's .NET runtime version, which decides the counter route (System.Runtime meter on 9+,
/// EventCounters before). Two ways, in order: the System.Private.CoreLib.dll the process has mapped (needs /proc),
/// then the runtime's own answer over the diagnostics IPC (<see cref="DiagnosticsClientInternals.TryGetProcessInfo"/>).
/// </summary>
public static class RuntimeVersionProbe
{
    private const string CoreLibName = "System.Private.CoreLib.dll";
    private const string SharedFrameworkName = "Microsoft.NETCore.App";

    public static Version? FromMappedCoreLib(int pid)
    {
        var coreLib = ProcFs.MappedFiles(pid)?.FirstOrDefault(p => p.EndsWith("/" + CoreLibName, StringComparison.Ordinal));
        if (coreLib is null)
        {
            return null;
        }

        // The shared framework's directory says the version: reading it from the file's version resource would load
        // System.Reflection.Metadata into the agent (2 MiB resident for the whole run) to read one string.
        return FromSharedFrameworkPath(coreLib) ?? FromVersionResource(coreLib);
    }

    /// <summary>
    /// ".../shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll" → 10.0.12; null for a CoreLib outside a
    /// shared framework (a self-contained app's own copy), whose directory names no version.
    /// </summary>
    public static Version? FromSharedFrameworkPath(string coreLibPath)
    {
        var parts = coreLibPath.Split('/');
        return parts.Length >= 3
               && parts[^1] == CoreLibName
               && string.Equals(parts[^3], SharedFrameworkName, StringComparison.OrdinalIgnoreCase)
               && ParseProductVersion(parts[^2]) is { Build: >= 0 } version
            ? version
            : null;
    }

    private static Version? FromVersionResource(string coreLib)
    {
        if (!File.Exists(coreLib))
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
