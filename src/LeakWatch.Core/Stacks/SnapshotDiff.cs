namespace LeakWatch.Core.Stacks;

/// <summary>What grew between two snapshots of the same process: the headline of an on-trigger snapshot.</summary>
public sealed record SnapshotDiff(IReadOnlyList<GroupGrowth> Threads, IReadOnlyList<GroupGrowth> Tasks, int ThreadTotalDelta, int PendingTaskDelta)
{
    public const string ThreadsKind = "threads";
    public const string TasksKind = "tasks";
    public const string OperationsKind = "pending operations";

    /// <summary>Live pending-operation counts that grew, when the snapshot could not walk async chains.</summary>
    public IReadOnlyList<GroupGrowth> Operations { get; init; } = [];

    /// <summary>Every growth, largest first.</summary>
    public IEnumerable<GroupGrowth> All => Threads.Concat(Tasks).Concat(Operations).OrderByDescending(g => g.Delta).ThenBy(g => g.Kind, StringComparer.Ordinal);

    /// <summary>
    /// Compares <paramref name="current"/> with <paramref name="previous"/> (null: everything counts as grown from zero).
    /// Groups are matched on their full frames; only groups that grew are kept.
    /// </summary>
    public static SnapshotDiff Compare(StackSnapshot? previous, StackSnapshot current)
    {
        var threads = Grown(
            ThreadsKind,
            previous?.Threads.Groups.Select(g => (g.Frames, g.Count)) ?? [],
            current.Threads.Groups.Select(g => (g.Frames, g.Count, g.Headline)));
        // A snapshot that did not walk chains says nothing about them: tasks are compared with the last that did.
        var chainsBefore = previous is { TaskChainsSkipped: null } ? previous : null;
        var tasks = Grown(
            TasksKind,
            chainsBefore?.Tasks.Groups.Select(g => (g.Chain, g.Count)) ?? [],
            current.Tasks.Groups.Select(g => (g.Chain, g.Count, g.Headline)));
        var operations = Grown(
            OperationsKind,
            previous?.PendingOperations.Select(o => ((IReadOnlyList<string>)[o.Method], Clamp(o.Pending))) ?? [],
            current.PendingOperations.Select(o => ((IReadOnlyList<string>)[o.Method], Clamp(o.Pending), o.Method)));
        return new SnapshotDiff(
            threads,
            tasks,
            current.Threads.Total - (previous?.Threads.Total ?? 0),
            current.Tasks.Pending - (chainsBefore?.Tasks.Pending ?? 0))
        {
            Operations = operations,
        };
    }

    private static int Clamp(long count) => (int)Math.Min(count, int.MaxValue);

    /// <summary>The top <paramref name="count"/> headlines, for the summary printed when a rule fires.</summary>
    public IReadOnlyList<string> Headlines(int count) => All.Take(count).Select(g => g.Headline).ToList();

    private static List<GroupGrowth> Grown(
        string kind,
        IEnumerable<(IReadOnlyList<string> Frames, int Count)> before,
        IEnumerable<(IReadOnlyList<string> Frames, int Count, string Name)> now)
    {
        var previous = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (frames, count) in before)
        {
            previous[Key(frames)] = count;
        }

        return now
            .Select(g => new GroupGrowth(kind, g.Name, g.Frames, previous.GetValueOrDefault(Key(g.Frames)), g.Count))
            .Where(g => g.Delta > 0)
            .OrderByDescending(g => g.Delta)
            .ThenBy(g => g.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string Key(IReadOnlyList<string> frames) => string.Join('\n', frames);
}
