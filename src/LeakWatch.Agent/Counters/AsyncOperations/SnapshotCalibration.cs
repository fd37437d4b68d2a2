using LeakWatch.Core.Async;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>
/// A heap snapshot sees every pending async method, including those that began before attach: each method's pending
/// count becomes at least the number of pending chains it is part of. Snapshot and live count name methods with the
/// same <see cref="AsyncMethodNaming"/>, so they are matched by name; a name that could mean several operation keys is
/// left alone, and so is a partial snapshot or one that did not walk chains.
/// </summary>
public static class SnapshotCalibration
{
    /// <summary>Returns how many methods were recalibrated.</summary>
    public static int Apply(StackSnapshot snapshot, AsyncOperationTracker tracker, AsyncOperationNamer namer)
    {
        if (snapshot.Partial || snapshot.TaskChainsSkipped is not null)
        {
            // Without chains (the EventPipe route) a snapshot knows nothing about pending tasks: nothing to calibrate with.
            return 0;
        }

        namer.RefreshIfNeeded(evenDuringStartUp: true);
        var absolute = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in snapshot.Tasks.Groups)
        {
            foreach (var method in group.Chain.Skip(1).Select(StackText.WithoutState).Distinct(StringComparer.Ordinal))
            {
                absolute[method] = absolute.GetValueOrDefault(method) + group.Count;
            }
        }

        var keysByName = tracker.Snapshot().Methods
            .GroupBy(m => namer.DisplayName(m.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Key).ToList(), StringComparer.Ordinal);
        var calibrated = 0;
        foreach (var (method, count) in absolute)
        {
            var keys = keysByName.GetValueOrDefault(method) ?? KeysFromCatalog(namer, method);
            if (keys.Count == 1)
            {
                tracker.Calibrate(keys[0], count);
                calibrated++;
            }
        }

        return calibrated;
    }

    private static List<string> KeysFromCatalog(AsyncOperationNamer namer, string displayName) =>
        namer.Catalog.FindByDisplayName(displayName)
            .Select(e => namer.IsAmbiguous(e.TypeName) ? e.FullName : e.TypeName)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
