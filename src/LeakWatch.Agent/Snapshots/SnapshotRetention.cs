using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Keeps a snapshot directory bounded: at most N snapshots and B bytes (all files of a snapshot count), deleting the
/// oldest first and never the newest. Only files leakwatch wrote (named "snapshot-...") are touched.
/// </summary>
internal static class SnapshotRetention
{
    public const string Prefix = "snapshot-";

    public static void Apply(string directory, int keepCount, long keepBytes)
    {
        var snapshots = new DirectoryInfo(directory)
            .EnumerateFiles(Prefix + "*")
            .GroupBy(StemOf, StringComparer.Ordinal)
            .OrderByDescending(g => g.Key, StringComparer.Ordinal) // names start with the UTC time: newest first
            .ToList();
        var newestFirst = snapshots.Select(s => (s.Key, s.Sum(f => f.Length))).ToList();
        var byName = snapshots.ToDictionary(s => s.Key, StringComparer.Ordinal);
        foreach (var name in RetentionPolicy.ToDelete(newestFirst, keepCount, keepBytes))
        {
            foreach (var file in byName[name])
            {
                file.Delete();
            }
        }
    }

    private static string StemOf(FileInfo file)
    {
        var name = file.Name;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }
}
