using LeakWatch.Agent.Hosting;

namespace LeakWatch.Agent.Tests.Hosting;

public sealed class Gen0CapTests
{
    private const long Cap = 2 * 1024 * 1024;

    [Theory]
    [InlineData(false, 0, false)]
    [InlineData(false, Cap - 1, false)]
    [InlineData(false, Cap, true)]
    [InlineData(false, 10 * Cap, true)]
    [InlineData(true, 10 * Cap, false)] // the runtime collected meanwhile: its count starts again
    public void Collects_only_past_the_cap_and_only_when_the_runtime_did_not(bool collectedSinceLastCheck, long allocated, bool expected) =>
        Assert.Equal(expected, Gen0Cap.ShouldCollect(collectedSinceLastCheck, allocated, Cap));

    [Fact]
    public void A_check_after_more_garbage_than_the_cap_leaves_it_collected()
    {
        var cap = new Gen0Cap(Cap);
        var before = GC.CollectionCount(0);
        MakeGarbage(3 * Cap);

        cap.Check();

        // Either the cap collected or the runtime did on its own (other tests allocate too): gen0 was collected.
        Assert.True(GC.CollectionCount(0) > before);
    }

    [Fact]
    public void Never_collects_inside_a_snapshots_no_gc_region()
    {
        var cap = new Gen0Cap(Cap);
        MakeGarbage(3 * Cap);
        Assert.True(GC.TryStartNoGCRegion(64L * 1024 * 1024));
        try
        {
            cap.Check();
            Assert.Equal(0, cap.Collections);
        }
        finally
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }

    [Fact]
    public void Rejects_a_cap_of_zero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Gen0Cap(0));

    private static void MakeGarbage(long bytes)
    {
        for (long made = 0; made < bytes; made += 1024)
        {
            GC.KeepAlive(new byte[1000]);
        }
    }
}
