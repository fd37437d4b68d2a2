namespace LeakWatch.Core.Stacks;

/// <summary>
/// What grew between two snapshots of the same process: the headlines of an on-trigger snapshot. The growth of the
/// kind the trigger is about comes first (<see cref="Lead"/>: a timer leak leads with timers), then the other kinds
/// largest first, heap types last; idle runtime threads (<see cref="RuntimeThreads"/>) only count when they grew
/// more than anything else did.
/// </summary>
public sealed record SnapshotDiff(IReadOnlyList<GroupGrowth> Threads, IReadOnlyList<GroupGrowth> Tasks, int ThreadTotalDelta, int PendingTaskDelta)
{
    public const string ThreadsKind = "threads";
    public const string TasksKind = "tasks";
    public const string OperationsKind = "pending operations";
    public const string TimersKind = "timers";
    public const string ObjectsKind = "objects";

    /// <summary>The family of every descriptor kind ("files", "sockets", ...), as a <see cref="Lead"/>.</summary>
    public const string DescriptorsFamily = "descriptors";

    public IReadOnlyList<GroupGrowth> Timers { get; init; } = [];

    public IReadOnlyList<GroupGrowth> Descriptors { get; init; } = [];

    /// <summary>Live pending-operation counts that grew, when the snapshot could not walk async chains (a tasks growth).</summary>
    public IReadOnlyList<GroupGrowth> Operations { get; init; } = [];

    /// <summary>Heap types that grew, by bytes.</summary>
    public IReadOnlyList<GroupGrowth> HeapTypes { get; init; } = [];

    /// <summary>The family whose growth leads the headlines: threads, tasks, timers, descriptors, objects; null: by size.</summary>
    public string? Lead { get; init; }

    /// <summary>Every growth worth a headline, in headline order (see the type's summary).</summary>
    public IEnumerable<GroupGrowth> All
    {
        get
        {
            // The heap's biggest growth is often a framework type the app's objects hold (a decimal[] per subscriber):
            // the app's own types lead, so the headline names the code's type, and the framework ones follow.
            var leading = Lead == ObjectsKind
                ? HeapTypes.OrderBy(g => HeapTypeNames.IsFramework(g.Name)).ThenByDescending(g => g.BytesDelta).ToList()
                : Family(Lead).OrderByDescending(g => g.Delta).ToList();
            var others = new[] { ThreadsKind, TasksKind, TimersKind, DescriptorsFamily }
                .Where(f => f != Lead)
                .SelectMany(Family)
                .OrderByDescending(g => g.Delta)
                .ThenBy(g => g.Kind, StringComparer.Ordinal);
            var ordered = leading.Concat(others).ToList();
            var busiest = ordered.Where(g => g.IdleRole is null).Select(g => g.Delta).DefaultIfEmpty(0).Max();
            var heap = Lead == ObjectsKind ? [] : HeapTypes;
            return ordered.Where(g => g.IdleRole is null || g.Delta > busiest).Concat(heap).ToList();
        }
    }

    /// <summary>
    /// Compares <paramref name="current"/> with <paramref name="previous"/> (null: everything counts as grown from zero).
    /// Groups are matched on their full frames (or callback, descriptor pattern, type); only groups that grew are kept.
    /// <paramref name="lead"/> is the family the trigger is about (<see cref="LeadFor"/>).
    /// </summary>
    public static SnapshotDiff Compare(StackSnapshot? previous, StackSnapshot current, string? lead = null)
    {
        var threads = Grown(
            ThreadsKind,
            previous?.Threads.Groups.Select(g => (g.Key, g.Count, 0L)),
            current.Threads.Groups.Select(g => new Now(g.Key, g.Count, 0, g.Headline, g.Frames, RuntimeThreads.IdleRole(g.Frames)) { Location = g.HeadlineLocation }));
        // A snapshot that did not walk chains says nothing about them: tasks are compared with the last that did.
        var chainsBefore = previous is { TaskChainsSkipped: null } ? previous : null;
        var tasks = Grown(
            TasksKind,
            chainsBefore?.Tasks.Groups.Select(g => (Key(g.Chain), g.Count, 0L)),
            current.Tasks.Groups.Select(g => new Now(Key(g.Chain), g.Count, 0, g.Headline, g.Chain, null) { Location = g.HeadlineLocation }));
        var timers = Grown(
            TimersKind,
            previous?.Timers?.Groups.Select(g => (g.Name, g.Count, 0L)),
            current.Timers?.Groups.Select(g => new Now(g.Name, g.Count, 0, g.Name, [], null) { Location = g.Location }) ?? []);
        var descriptors = (current.Descriptors?.Groups ?? []).GroupBy(g => g.Kind).SelectMany(kind => Grown(
            kind.Key,
            previous?.Descriptors?.Groups.Where(g => g.Kind == kind.Key).Select(g => (g.Target, g.Count, 0L)),
            kind.Select(g => new Now(g.Target, g.Count, 0, g.Target, [], null)))).ToList();
        var heap = Grown(
                ObjectsKind,
                previous?.Heap?.Types.Select(t => (t.Type, t.Count, t.Bytes)),
                current.Heap?.Types.Select(t => new Now(t.Type, t.Count, t.Bytes, t.Type, [], null)) ?? [])
            .OrderByDescending(g => g.BytesDelta)
            .ToList();
        var operations = Grown(
            OperationsKind,
            previous?.PendingOperations.Select(o => (o.Method, Clamp(o.Pending), 0L)),
            current.PendingOperations.Select(o => new Now(o.Method, Clamp(o.Pending), 0, o.Method, [o.Method], null)));
        return new SnapshotDiff(
            threads,
            tasks,
            current.Threads.Total - (previous?.Threads.Total ?? 0),
            current.Tasks.Pending - (chainsBefore?.Tasks.Pending ?? 0))
        {
            Timers = timers,
            Descriptors = descriptors,
            HeapTypes = heap,
            Operations = operations,
            Lead = lead,
        };
    }

    /// <summary>
    /// The family a rule is about, from its name: "thread-leak" and "threadpool-starvation" → threads, "task-leak"
    /// → tasks, "timer-leak" → timers, "fd-leak" → descriptors, a heap or memory rule → objects; null otherwise.
    /// </summary>
    public static string? LeadFor(string reason)
    {
        var name = reason.ToLowerInvariant();
        return name switch
        {
            _ when name.Contains("timer", StringComparison.Ordinal) => TimersKind,
            _ when name.Contains("fd", StringComparison.Ordinal) || name.Contains("descriptor", StringComparison.Ordinal) || name.Contains("socket", StringComparison.Ordinal) => DescriptorsFamily,
            _ when name.Contains("heap", StringComparison.Ordinal) || name.Contains("memory", StringComparison.Ordinal) || name.Contains("gc", StringComparison.Ordinal) => ObjectsKind,
            _ when name.Contains("task", StringComparison.Ordinal) || name.Contains("async", StringComparison.Ordinal) => TasksKind,
            _ when name.Contains("thread", StringComparison.Ordinal) => ThreadsKind,
            _ => null,
        };
    }

    private static int Clamp(long count) => (int)Math.Min(count, int.MaxValue);

    /// <summary>The top <paramref name="count"/> headlines, for the summary printed when a rule fires.</summary>
    public IReadOnlyList<string> Headlines(int count) => All.Take(count).Select(g => g.Headline).ToList();

    private IEnumerable<GroupGrowth> Family(string? family) => family switch
    {
        ThreadsKind => Threads,
        TasksKind => Tasks.Concat(Operations),
        TimersKind => Timers,
        DescriptorsFamily => Descriptors,
        ObjectsKind => HeapTypes,
        _ => [],
    };

    private static List<GroupGrowth> Grown(string kind, IEnumerable<(string Key, int Count, long Bytes)>? before, IEnumerable<Now> now)
    {
        var previous = new Dictionary<string, (int Count, long Bytes)>(StringComparer.Ordinal);
        foreach (var (key, count, bytes) in before ?? [])
        {
            previous[key] = (count, bytes);
        }

        return now
            .Select(g =>
            {
                var (count, bytes) = previous.GetValueOrDefault(g.Key);
                return new GroupGrowth(kind, g.Name, g.Frames, count, g.Count) { BytesDelta = g.Bytes - bytes, IdleRole = g.IdleRole, Location = g.Location };
            })
            .Where(g => g.Delta > 0)
            .OrderByDescending(g => g.Delta)
            .ThenBy(g => g.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string Key(IReadOnlyList<string> frames) => string.Join('\n', frames);

    private readonly record struct Now(string Key, int Count, long Bytes, string Name, IReadOnlyList<string> Frames, string? IdleRole)
    {
        public string? Location { get; init; }
    }
}
