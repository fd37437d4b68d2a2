using System.Text.Json;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>A snapshot as the documented JSON shows it, read the way a program would (docs/snapshots.md).</summary>
public sealed record SnapshotJson(
    int Pid,
    bool Partial,
    double PausedMs,
    int ThreadTotal,
    IReadOnlyList<(int Count, string[] Frames)> ThreadGroups,
    int PendingTasks,
    IReadOnlyList<(int Count, string[] Chain)> TaskGroups)
{
    public static SnapshotJson Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var threads = root.GetProperty("threads");
        var tasks = root.GetProperty("tasks");
        return new SnapshotJson(
            root.GetProperty("pid").GetInt32(),
            root.GetProperty("partial").GetBoolean(),
            root.GetProperty("pausedMs").GetDouble(),
            threads.GetProperty("total").GetInt32(),
            threads.GetProperty("groups").EnumerateArray().Select(g => (g.GetProperty("count").GetInt32(), Strings(g.GetProperty("frames")))).ToList(),
            tasks.GetProperty("pending").GetInt32(),
            tasks.GetProperty("groups").EnumerateArray().Select(g => (g.GetProperty("count").GetInt32(), Strings(g.GetProperty("chain")))).ToList());
    }

    /// <summary>Threads in groups whose frames contain <paramref name="method"/>.</summary>
    public int ThreadsIn(string method) => ThreadGroups.Where(g => g.Frames.Contains(method)).Sum(g => g.Count);

    /// <summary>Chains whose awaited thing is <paramref name="awaited"/> and whose innermost method is <paramref name="method"/>.</summary>
    public int ChainsAwaiting(string awaited, string method) =>
        TaskGroups.Where(g => g.Chain.Length > 1 && g.Chain[0] == awaited && g.Chain[1].StartsWith(method + " (state", StringComparison.Ordinal)).Sum(g => g.Count);

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
}
