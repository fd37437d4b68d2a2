using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Finds the DAC (libmscordaccore.so) that matches the target's runtime. ClrMD 4.2 reads the version of a .NET 10
/// runtime as 0.0 and does not find a DAC on its own; the one shipped beside the target's libcoreclr.so always matches.
/// </summary>
internal static class DacLocator
{
    private const string DacFileName = "libmscordaccore.so";

    public static ClrRuntime CreateRuntime(ClrInfo clr, int pid)
    {
        foreach (var candidate in Candidates(clr, pid))
        {
            if (File.Exists(candidate))
            {
                return clr.CreateRuntime(candidate, ignoreMismatch: true);
            }
        }

        // No local copy: let ClrMD try its own lookup (symbol server when reachable).
        return clr.CreateRuntime();
    }

    private static IEnumerable<string> Candidates(ClrInfo clr, int pid)
    {
        var coreclr = clr.ModuleInfo.FileName;
        if (!string.IsNullOrEmpty(coreclr) && Path.GetDirectoryName(coreclr) is { } directory)
        {
            yield return Path.Combine(directory, DacFileName);
            // The target may live in another mount namespace (a container): its files are under /proc/<pid>/root.
            yield return $"/proc/{pid}/root{Path.Combine(directory, DacFileName)}";
        }

        foreach (var library in clr.DebuggingLibraries)
        {
            if (library.FileName is { } name && name.EndsWith(DacFileName, StringComparison.Ordinal) && Path.IsPathRooted(name))
            {
                yield return name;
            }
        }
    }
}
