using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Async;

/// <summary>
/// Turns the tracker's counts into samples: the top N methods by pending count by name, the rest summed as
/// <c>method="other"</c>. A method keeps its place until another one has strictly more pending, so series do not
/// flicker between methods that hover near zero. Operation keys that read the same (after name resolution) are summed.
/// </summary>
public sealed class AsyncOperationsReporter
{
    private const string PendingHelp = "Async operations that began since tracking started and have not finished, by method (top N; the rest under method=\"other\").";
    private const string StartedHelp = "Async operations that began (first suspended) since tracking started, by method.";

    private const string DroppedHelp = "Async methods garbage-collected before they finished (their awaited task could never complete; finally blocks never ran), by method, since tracking started.";

    private readonly AsyncTrackingOptions _options;
    private readonly Func<string, string> _displayName;
    private readonly bool _reportDropped;
    private readonly List<string> _exported = [];
    private readonly List<string> _droppedExported = [];
    private long _generation = -1;

    /// <param name="displayName">Maps an operation key (state machine type name) to the name to show, for example via assembly metadata.</param>
    /// <param name="reportDropped">Publish <see cref="AsyncOperationMetrics.Dropped"/> (the target was asked for IncompleteAsyncMethod).</param>
    public AsyncOperationsReporter(AsyncTrackingOptions options, Func<string, string> displayName, bool reportDropped = false)
    {
        _options = options;
        _displayName = displayName;
        _reportDropped = reportDropped;
    }

    public AsyncOperationsReport Report(AsyncTrackingSnapshot snapshot, DateTimeOffset at)
    {
        var ended = new List<(string, LabelSet)>();
        if (snapshot.Generation != _generation)
        {
            // Counts started again: remove the old series so counters restart from zero instead of seeming frozen.
            if (_generation >= 0)
            {
                ended.AddRange(_exported.Append(AsyncOperationMetrics.OtherMethods).SelectMany(MethodSeries));
                ended.AddRange(_droppedExported.Append(AsyncOperationMetrics.OtherMethods).Select(DroppedSeries));
            }

            _exported.Clear();
            _droppedExported.Clear();
            _generation = snapshot.Generation;
        }

        var byName = snapshot.Methods
            .GroupBy(m => _displayName(m.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Pending: g.Sum(m => m.Pending), Started: g.Sum(m => m.Started)), StringComparer.Ordinal);
        var samples = new List<MetricSample>();
        if (_reportDropped)
        {
            samples.AddRange(DroppedSamples(snapshot, at));
        }

        foreach (var left in ChooseExported(byName))
        {
            ended.AddRange(MethodSeries(left));
        }

        foreach (var method in _exported)
        {
            var counts = byName.GetValueOrDefault(method);
            samples.AddRange(MethodSamples(method, counts.Pending, counts.Started, at));
        }

        var exported = _exported.ToHashSet(StringComparer.Ordinal);
        var others = byName.Where(m => !exported.Contains(m.Key)).ToList();
        samples.AddRange(MethodSamples(AsyncOperationMetrics.OtherMethods, others.Sum(m => m.Value.Pending), others.Sum(m => m.Value.Started), at));

        samples.Add(new MetricSample(AsyncOperationMetrics.TrackingStart, MetricKind.Gauge, snapshot.Since.ToUnixTimeMilliseconds() / 1000.0, at, LabelSet.Empty,
            "When the async operation counts (re)started, in Unix seconds: operations that began earlier are not counted."));
        foreach (var reason in TrackingResetReasons.All)
        {
            samples.Add(new MetricSample(AsyncOperationMetrics.Resets, MetricKind.Counter, snapshot.Resets.GetValueOrDefault(reason), at,
                LabelSet.Of((AsyncOperationMetrics.ReasonLabel, reason.Label())),
                "Times the async operation counts were reset and started again from zero, by reason."));
        }

        samples.Add(new MetricSample(AsyncOperationMetrics.UntrackedEnds, MetricKind.Counter, snapshot.UntrackedEnds, at, LabelSet.Empty,
            "Async operations that finished without their beginning having been seen (they began before tracking started)."));
        return new AsyncOperationsReport(samples, ended);
    }

    /// <summary>Updates the exported set; returns the methods that left it.</summary>
    private List<string> ChooseExported(Dictionary<string, (long Pending, long Started)> byName)
    {
        var left = new List<string>();
        foreach (var gone in _exported.Where(m => !byName.ContainsKey(m)).ToList())
        {
            _exported.Remove(gone);
            left.Add(gone);
        }

        var exported = _exported.ToHashSet(StringComparer.Ordinal);
        var challengers = byName
            .Where(m => !exported.Contains(m.Key))
            .OrderByDescending(m => m.Value.Pending)
            .ThenByDescending(m => m.Value.Started)
            .ThenBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => m.Key)
            .ToList();

        foreach (var challenger in challengers)
        {
            if (_exported.Count < _options.TopMethods)
            {
                _exported.Add(challenger);
                continue;
            }

            var weakest = _exported
                .OrderBy(m => byName[m].Pending)
                .ThenBy(m => byName[m].Started)
                .First();
            if (byName[challenger].Pending <= byName[weakest].Pending)
            {
                break; // challengers come strongest first: none of the rest can win either
            }

            _exported[_exported.IndexOf(weakest)] = challenger;
            left.Add(weakest);
        }

        return left;
    }

    /// <summary>
    /// Dropped counts by method: a method gets its own series the first time one of its operations is dropped, while
    /// fewer than N have one, and keeps it; later ones add to <c>method="other"</c>. Add-only, so every series only grows.
    /// </summary>
    private IEnumerable<MetricSample> DroppedSamples(AsyncTrackingSnapshot snapshot, DateTimeOffset at)
    {
        var byName = snapshot.Methods.Where(m => m.Dropped > 0)
            .GroupBy(m => _displayName(m.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Dropped), StringComparer.Ordinal);
        foreach (var method in byName.OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key))
        {
            if (_droppedExported.Count < _options.TopMethods && !_droppedExported.Contains(method))
            {
                _droppedExported.Add(method);
            }
        }

        foreach (var method in _droppedExported)
        {
            yield return new MetricSample(AsyncOperationMetrics.Dropped, MetricKind.Counter, byName.GetValueOrDefault(method), at, DroppedSeries(method).Item2, DroppedHelp);
        }

        var other = byName.Where(m => !_droppedExported.Contains(m.Key)).Sum(m => m.Value);
        yield return new MetricSample(AsyncOperationMetrics.Dropped, MetricKind.Counter, other, at, DroppedSeries(AsyncOperationMetrics.OtherMethods).Item2, DroppedHelp);
    }

    private static (string, LabelSet) DroppedSeries(string method) => (AsyncOperationMetrics.Dropped, LabelSet.Of((AsyncOperationMetrics.MethodLabel, method)));

    private static IEnumerable<(string, LabelSet)> MethodSeries(string method)
    {
        var labels = LabelSet.Of((AsyncOperationMetrics.MethodLabel, method));
        yield return (AsyncOperationMetrics.Pending, labels);
        yield return (AsyncOperationMetrics.Started, labels);
    }

    private static IEnumerable<MetricSample> MethodSamples(string method, long pending, long started, DateTimeOffset at)
    {
        var labels = LabelSet.Of((AsyncOperationMetrics.MethodLabel, method));
        yield return new MetricSample(AsyncOperationMetrics.Pending, MetricKind.Gauge, pending, at, labels, PendingHelp);
        yield return new MetricSample(AsyncOperationMetrics.Started, MetricKind.Counter, started, at, labels, StartedHelp);
    }
}
