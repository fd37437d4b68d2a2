using System.Runtime;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>
/// Keeps the agent's own garbage collector out of the pause. The copy buffer, allocated just before the freeze, uses up
/// the GC's budget, so the next small allocation (inside the freeze) started a full collection of the agent's heap, with
/// the target waiting (10–20 ms on the small benchmark target). Entering a no-GC region collects, if it must, before the
/// freeze; <see cref="Dispose"/> leaves it after the resume. Best effort: the region is process-wide, so when another
/// snapshot holds it, or the agent's other threads allocate past it, the freeze simply runs without it.
/// </summary>
internal sealed class NoCollectionRegion : IDisposable
{
    private const long Allowance = 16L * 1024 * 1024;
    private bool _entered;

    private NoCollectionRegion(bool entered) => _entered = entered;

    public static NoCollectionRegion Enter()
    {
        try
        {
            return new NoCollectionRegion(GC.TryStartNoGCRegion(Allowance));
        }
        catch (InvalidOperationException)
        {
            return new NoCollectionRegion(false); // another snapshot of this agent holds it
        }
    }

    public void Dispose()
    {
        if (!_entered)
        {
            return;
        }

        _entered = false;
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
        catch (InvalidOperationException)
        {
            // The allowance was exceeded and a collection ended the region already: nothing to end.
        }
    }
}
