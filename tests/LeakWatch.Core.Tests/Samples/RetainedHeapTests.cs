using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Tests.Samples;

/// <summary>leakwatch_gc_heap_retained_bytes: gen2 + LOH + POH as of the latest gen2 collection, held between them.</summary>
public class RetainedHeapTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Rounds of (gen2 collections so far, gen2, loh, poh) and the value expected after each (null: none yet).</summary>
    public static TheoryData<string, (double Gen2Count, double Gen2, double Loh, double Poh)[], double?[]> Rounds => new()
    {
        { "no full collection yet: nothing", [(0, 10, 1, 0), (0, 30, 1, 0)], [null, null] },
        { "held between full collections while gen1 promotes into gen2", [(1, 10, 2, 1), (1, 10, 2, 1), (1, 40, 2, 1), (1, 80, 2, 1)], [13, 13, 13, 13] },
        { "a full collection takes the new figure", [(1, 10, 2, 1), (1, 10, 2, 1), (1, 60, 2, 1), (2, 20, 2, 1), (2, 20, 2, 1)], [13, 13, 13, 23, 23] },
        { "refreshed the round after too, sizes may lag the count", [(1, 10, 0, 0), (1, 10, 0, 0), (1, 50, 0, 0), (2, 50, 0, 0), (2, 25, 0, 0), (2, 90, 0, 0)], [10, 10, 10, 50, 25, 25] },
    };

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Only_full_collections_move_the_retained_heap(string name, (double Gen2Count, double Gen2, double Loh, double Poh)[] rounds, double?[] expected)
    {
        var heap = new RetainedHeap();
        var values = new List<double?>();
        for (var i = 0; i < rounds.Length; i++)
        {
            var at = Start.AddSeconds(i);
            var (count, gen2, loh, poh) = rounds[i];
            Assert.Null(heap.Observe(Size("gen0", 999 * i, at))); // gen0 swings are read but never counted
            heap.Observe(Size("gen2", gen2, at));
            heap.Observe(Size("loh", loh, at));
            heap.Observe(Size("poh", poh, at));
            heap.Observe(new MetricSample("dotnet_gc_collections_total", MetricKind.Counter, 100 * i, at, LabelSet.Of(("gc_heap_generation", "gen0")), ""));
            values.Add(heap.Observe(new MetricSample("dotnet_gc_collections_total", MetricKind.Counter, count, at, LabelSet.Of(("gc_heap_generation", "gen2")), ""))?.Value);
        }

        Assert.True(expected.SequenceEqual(values), $"{name}: {string.Join(", ", values)}");
    }

    private static MetricSample Size(string generation, double value, DateTimeOffset at) =>
        new("dotnet_gc_last_collection_heap_size_bytes", MetricKind.Gauge, value, at, LabelSet.Of(("gc_heap_generation", generation)), "");
}
