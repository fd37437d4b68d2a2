namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Caps the agent's own gen0 garbage. A workstation GC sizes its gen0 budget from the L3 cache (16 MiB on a 32 MiB L3,
/// more on large servers), and a streaming agent allocates little (about 0.2 MB/s at a 1 s interval), so without this
/// it carries minutes of garbage before its first GC: 12 MiB of its peak RSS in docs/benchmarks.md ("Counters").
/// <c>DOTNET_GCgen0size</c> would do the same, but the runtime reads it only from the environment, never from
/// runtimeconfig.json, so a dotnet tool cannot set it for itself. Instead, once an interval (the host's
/// <see cref="IntervalClock"/>), when more than the cap was allocated since the last gen0 collection, this collects
/// gen0 (a fraction of a millisecond on the agent's small heap).
/// Bursts between two checks (a snapshot) still run on the runtime's own budget.
/// </summary>
public sealed class Gen0Cap
{
    /// <summary>2 MiB: at streaming rates one collection every few seconds; measured in docs/benchmarks.md.</summary>
    public const long DefaultBytes = 2L * 1024 * 1024;

    private readonly long _capBytes;
    private readonly object _gate = new();
    private int _lastGen0Count;
    private long _allocatedAtLastGen0;

    public Gen0Cap(long capBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capBytes);
        _capBytes = capBytes;
        _lastGen0Count = GC.CollectionCount(0);
        _allocatedAtLastGen0 = GC.GetTotalAllocatedBytes();
    }

    /// <summary>Collections this cap caused (for tests and the curious).</summary>
    public int Collections { get; private set; }

    /// <summary>
    /// Whether to collect now: no gen0 collection happened since the last check (one that did resets the count) and
    /// more than <paramref name="capBytes"/> were allocated since the last one seen.
    /// </summary>
    public static bool ShouldCollect(bool collectedSinceLastCheck, long allocatedSinceLastGen0, long capBytes) =>
        !collectedSinceLastCheck && allocatedSinceLastGen0 >= capBytes;

    /// <summary>One check; the host calls it every interval.</summary>
    public void Check() => CheckOrCollect(always: false);

    /// <summary>A gen0 collection whatever was allocated (the host's start-up, <see cref="NativeHeapTrim.StartUpSettling"/>).</summary>
    public void Collect() => CheckOrCollect(always: true);

    private void CheckOrCollect(bool always)
    {
        // A snapshot keeps the agent's collector out of the target's freeze (a no-GC region): never induce one then.
        if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
        {
            return;
        }

        lock (_gate)
        {
            var count = GC.CollectionCount(0);
            var allocated = GC.GetTotalAllocatedBytes();
            if (always || ShouldCollect(count != _lastGen0Count, allocated - _allocatedAtLastGen0, _capBytes))
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                Collections++;
                count = GC.CollectionCount(0);
            }

            if (count != _lastGen0Count)
            {
                _lastGen0Count = count;
                _allocatedAtLastGen0 = allocated;
            }
        }
    }
}
