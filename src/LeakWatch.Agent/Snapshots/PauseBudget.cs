using System.Diagnostics;

namespace LeakWatch.Agent.Snapshots;

/// <summary>The time the target may stay suspended, and the reason the walk stopped when it ran out or was cancelled.</summary>
internal sealed class PauseBudget
{
    private readonly TimeSpan _limit;
    private readonly CancellationToken _cancellation;
    private readonly long _started = Stopwatch.GetTimestamp();

    public PauseBudget(TimeSpan limit, CancellationToken cancellation)
    {
        _limit = limit;
        _cancellation = cancellation;
    }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>Why the walk stopped early, or null while it may go on.</summary>
    public string? StopReason { get; private set; }

    /// <summary>True when the walk must stop now: budget spent or cancelled (Ctrl+C, SIGTERM).</summary>
    public bool Exhausted()
    {
        if (StopReason is not null)
        {
            return true;
        }

        if (_cancellation.IsCancellationRequested)
        {
            StopReason = "cancelled";
        }
        else if (Elapsed > _limit)
        {
            StopReason = $"the pause budget (--max-pause {Core.Options.DurationParser.Format(_limit)}) was spent";
        }

        return StopReason is not null;
    }

    public void Stop(string reason) => StopReason ??= reason;
}
