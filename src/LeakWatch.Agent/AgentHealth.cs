using System.Collections.Concurrent;

namespace LeakWatch.Agent;

/// <summary>The agent's own health figures, exported as leakwatch_agent_*. Thread-safe.</summary>
public sealed class AgentHealth
{
    private long _eventsReceived;
    private long _sessionRestarts;
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);

    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    public long SessionRestarts => Interlocked.Read(ref _sessionRestarts);

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public void EventReceived() => Interlocked.Increment(ref _eventsReceived);

    public void SessionRestarted() => Interlocked.Increment(ref _sessionRestarts);

    public void Error(string kind) => _errors.AddOrUpdate(kind, 1, static (_, count) => count + 1);
}
