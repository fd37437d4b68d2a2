namespace LeakWatch.Core.Samples;

/// <summary>
/// Derives <c>leakwatch_gc_heap_retained_bytes</c> for one process: the gen2 + LOH + POH sizes the runtime reported
/// after its latest full (gen2) collection, held until the next one. Gen0 and gen1 collections come and go many times a
/// second and move the heap by megabytes; they do not move this series, so a rule on it sees only memory that survived
/// a full collection: the heap leak. Pure: fed the process's samples in order, returns the derived sample when one is due.
/// </summary>
public sealed class RetainedHeap
{
    public const string Series = "leakwatch_gc_heap_retained_bytes";

    public const string Help = "Managed heap that survived the latest gen2 collection (gen2 + LOH + POH sizes after it), held until the next one.";

    private const string HeapSize = "dotnet_gc_last_collection_heap_size_bytes";
    private const string Collections = "dotnet_gc_collections_total";
    private const string GenerationLabel = "gc_heap_generation";
    private static readonly string[] Retained = ["gen2", "loh", "poh"];

    private readonly Dictionary<string, double> _sizes = new(StringComparer.Ordinal);
    private double? _gen2Collections;
    private int _refreshRounds;
    private double? _held;

    /// <summary>True for the families this needs; the rest can skip it.</summary>
    public static bool Reads(string series) => series is HeapSize or Collections;

    /// <summary>Takes one sample; returns the retained heap when <paramref name="sample"/> ends a round (the gen2 collection count).</summary>
    public MetricSample? Observe(MetricSample sample)
    {
        var generation = sample.Labels[GenerationLabel];
        if (sample.Name == HeapSize && generation is not null && Retained.Contains(generation))
        {
            _sizes[generation] = sample.Value;
            return null;
        }

        if (sample.Name != Collections || generation != "gen2")
        {
            return null;
        }

        if (_gen2Collections is not { } previous || sample.Value > previous)
        {
            // A full collection happened (or happened before attach). Sizes of this round may predate it, depending on
            // the order samples arrive in, so the next round refreshes the figure too.
            _refreshRounds = sample.Value > 0 ? 2 : 0;
        }

        _gen2Collections = sample.Value;
        if (_refreshRounds > 0 && _sizes.Count == Retained.Length)
        {
            _held = _sizes.Values.Sum();
            _refreshRounds--;
        }

        return _held is { } held ? new MetricSample(Series, MetricKind.Gauge, held, sample.Timestamp, LabelSet.Empty, Help) : null;
    }
}
