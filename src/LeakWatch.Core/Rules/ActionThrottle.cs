namespace LeakWatch.Core.Rules;

/// <summary>
/// Gates a rule's actions: a cooldown after each run, and at most N runs per sliding window, per rule and target
/// (with several targets, one process's leak must not silence the same rule for the others).
/// Time comes from the caller (the trigger's sample time), so the throttle is pure. Thread-safe.
/// </summary>
public sealed class ActionThrottle(ThrottleOptions options)
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Rule, string Target), Queue<DateTimeOffset>> _runs = new();

    /// <summary>True (and the run is recorded) when the rule may act on <paramref name="target"/> at <paramref name="at"/>.</summary>
    public bool TryAcquire(string rule, string target, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (!_runs.TryGetValue((rule, target), out var runs))
            {
                runs = new Queue<DateTimeOffset>();
                _runs.Add((rule, target), runs);
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
