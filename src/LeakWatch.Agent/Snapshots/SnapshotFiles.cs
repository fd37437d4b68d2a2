using System.Text;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Writes snapshot files privately and whole: stack reports carry method names, paths and sometimes arguments, so
/// files are created 0600 and a directory leakwatch creates is 0700; each file is written under a temporary name and
/// renamed once complete, so a full disk or a kill never leaves a 0-byte or cut report behind.
/// </summary>
internal static class SnapshotFiles
{
    /// <summary>Temporary names start with a dot and not with <see cref="SnapshotRetention.Prefix"/>: retention never counts them.</summary>
    public const string PartialPrefix = ".partial-";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the directory 0700 if it is missing (an existing one keeps the mode its owner gave it).</summary>
    public static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, OwnerOnlyDirectory);
    }

    /// <summary>Removes what an earlier, interrupted write left (only leakwatch's own temporary names).</summary>
    public static void RemoveLeftovers(string directory)
    {
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles(PartialPrefix + SnapshotRetention.Prefix + "*"))
        {
            TryDelete(file.FullName);
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> 0600, complete or not at all.</summary>
    public static void WriteWhole(string path, string text)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path) ?? ".", PartialPrefix + Path.GetFileName(path));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }

            using (var stream = new FileStream(temporary, options))
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
