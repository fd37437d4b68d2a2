namespace LeakWatch.Core.Async;

/// <summary>
/// Says when resets come too often to go on: <paramref name="limit"/> of them within <paramref name="window"/> (a target
/// that keeps losing events shows wrong counts after every restart). Time comes from the caller. Not thread-safe.
/// </summary>
public sealed class RepeatedResets(int limit, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _resets = new();

    /// <summary>Records a reset at <paramref name="now"/>; true when it is the <c>limit</c>-th within the window.</summary>
    public bool TooMany(DateTimeOffset now)
    {
        _resets.Enqueue(now);
        while (_resets.Count > 0 && now - _resets.Peek() > window)
        {
            _resets.Dequeue();
        }

        return _resets.Count >= limit;
    }
}
