using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Finds the DAC (libmscordaccore.so) that matches the target's runtime. ClrMD 4.2 reads the version of a .NET 10
/// runtime as 0.0 and does not find a DAC on its own; the one shipped beside the target's libcoreclr.so always matches.
/// </summary>
internal static class DacLocator
{
    private const string DacFileName = "libmscordaccore.so";

    /// <summary>
    /// Loads the target's DAC into this process before the target is suspended (it touches only our own process), so
    /// the pause does not include reading a 10 MB library. Best effort: CreateRuntime loads it anyway.
    /// </summary>
    public static void Preload(int pid)
    {
        try
        {
            var coreclr = File.ReadLines($"/proc/{pid}/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length >= 6 && parts[5].EndsWith("/libcoreclr.so", StringComparison.Ordinal))
                .Select(parts => parts[5])
                .FirstOrDefault();
            if (coreclr is null || Path.GetDirectoryName(coreclr) is not { } directory)
            {
                return;
            }

            foreach (var candidate in new[] { Path.Combine(directory, DacFileName), $"/proc/{pid}/root{Path.Combine(directory, DacFileName)}" })
            {
                if (File.Exists(candidate) && System.Runtime.InteropServices.NativeLibrary.TryLoad(candidate, out _))
                {
                    return;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

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
