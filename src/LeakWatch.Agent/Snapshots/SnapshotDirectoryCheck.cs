using LeakWatch.Core;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// <c>--snapshot-dir</c> checked at start, before attaching: an existing directory leakwatch can write to, or one it
/// creates 0700. A file in the way, a directory it cannot write (/proc, another user's) or a parent it cannot create
/// is one line and exit 7 now, not a failed write at the first incident.
/// </summary>
public static class SnapshotDirectoryCheck
{
    /// <param name="source">Where the path came from, for the message (<c>--snapshot-dir</c>, <c>LEAKWATCH_SNAPSHOT_DIR</c>, the file's key).</param>
    public static void Ensure(string path, string source)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw Refused(source, "the path is empty or not a path: name a directory");
        }

        var full = Path.GetFullPath(path);
        if (File.Exists(full) || (Path.Exists(full) && !Directory.Exists(full)))
        {
            throw Refused(source, $"{path} is a file, not a directory: name a directory (it is created if missing)");
        }

        try
        {
            if (!Directory.Exists(full))
            {
                SnapshotFiles.EnsureDirectory(full);
            }

            // Writable is proven by writing: permission bits say nothing of read-only mounts, /proc or ACLs.
            var probe = Path.Combine(full, $".leakwatch-write-check-{Environment.ProcessId}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw Refused(source, $"{path} is not writable by this user: choose a directory you own, or fix its permissions", e);
        }
        catch (IOException e)
        {
            throw Refused(source, $"{path} cannot hold snapshot files ({Describe(e)}): choose another directory", e);
        }
    }

    private static string Describe(IOException e) => e switch
    {
        DirectoryNotFoundException => "a parent directory is missing and cannot be created",
        PathTooLongException => "the path is too long",
        _ when e.HResult == 30 || e.HResult == unchecked((int)0x8007001E) => "read-only file system",
        _ when e.HResult == 28 => "no space left on the device",
        _ => "the system refused to create a file in it",
    };

    private static LeakWatchException Refused(string source, string problem, Exception? inner = null) =>
        new(ExitCode.InvalidConfiguration, $"{source}: {problem}.", inner);
}
