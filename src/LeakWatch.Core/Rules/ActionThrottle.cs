namespace LeakWatch.Core.Rules;

/// <summary>
/// Gates a rule's actions: a cooldown after each run, and at most N runs per sliding window, per rule.
/// Time comes from the caller (the trigger's sample time), so the throttle is pure. Thread-safe.
/// </summary>
public sealed class ActionThrottle(ThrottleOptions options)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _runs = new(StringComparer.Ordinal);

    /// <summary>True (and the run is recorded) when the rule may act at <paramref name="at"/>.</summary>
    public bool TryAcquire(string rule, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (!_runs.TryGetValue(rule, out var runs))
            {
                runs = new Queue<DateTimeOffset>();
                _runs.Add(rule, runs);
            }

            while (runs.Count > 0 && at - runs.Peek() >= options.Per)
            {
                runs.Dequeue();
            }

            if (runs.Count > 0 && at - runs.Last() < options.Cooldown)
            {
                return false;
            }

            if (runs.Count >= options.MaxActions)
            {
                return false;
            }

            runs.Enqueue(at);
            return true;
        }
    }
}
