namespace LeakWatch.Agent;

/// <summary>
/// One timer for everything the agent does once an interval (each target's /proc figures and async counts, the
/// terminal, the agent's own housekeeping), so that a tick wakes the agent once rather than once per loop. On this
/// runtime a timer's tick costs four thread wake-ups (the timer thread, a pool worker, the worker it asks for, the
/// timer thread again), and on a virtual machine the wake-ups, not the work, are most of an idle agent's CPU
/// (docs/benchmarks.md, "Counters").
/// <para>
/// Unlike a <see cref="PeriodicTimer"/> per loop, a loop that arrives late waits for the next tick rather than taking
/// a missed one at once. Continuations run on the tick's thread, one after another, so a loop does only quick work
/// before its next <c>await</c>; one that may block (a terminal that does not read) yields first.
/// </para>
/// </summary>
public sealed class IntervalClock : IDisposable
{
    private readonly object _gate = new();
    private readonly ITimer _timer;
    private TaskCompletionSource<bool> _next = NewTick();
    private bool _disposed;

    public IntervalClock(TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Interval = interval;
        _timer = time.CreateTimer(_ => Tick(), null, interval, interval);
    }

    public TimeSpan Interval { get; }

    /// <summary>Completes true at the next tick, false once the clock is disposed; throws when cancelled.</summary>
    public Task<bool> WaitForNextTickAsync(CancellationToken cancellation = default)
    {
        Task<bool> next;
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.FromResult(false);
            }

            next = _next.Task;
        }

        return cancellation.CanBeCanceled ? next.WaitAsync(cancellation) : next;
    }

    /// <summary>Ticks now (the timer calls it every interval; tests call it to step time).</summary>
    public void Tick()
    {
        TaskCompletionSource<bool> due;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            due = _next;
            _next = NewTick();
        }

        due.TrySetResult(true);
    }

    public void Dispose()
    {
        TaskCompletionSource<bool> pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = _next;
        }

        _timer.Dispose();
        pending.TrySetResult(false);
    }

    // Continuations inline (no RunContinuationsAsynchronously): every waiting loop runs in the tick's one wake-up.
    private static TaskCompletionSource<bool> NewTick() => new(TaskCreationOptions.None);
}
