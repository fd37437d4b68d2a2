using System.Diagnostics;

namespace LeakWatch.Agent;

/// <summary>
/// One clock for everything the agent does once an interval (each target's /proc figures and async counts, the
/// terminal, the agent's own housekeeping), so that a tick wakes the agent once rather than once per loop. On a
/// virtual machine the wake-ups, not the work, are most of an idle agent's CPU (docs/benchmarks.md, "Counters"), and
/// a runtime timer's tick costs four (the timer thread, a pool worker, the worker it asks for, the timer thread
/// again): on the system clock the ticks come from a thread of the clock's own that sleeps between them, one wake-up.
/// <para>
/// Unlike a <see cref="PeriodicTimer"/> per loop, a loop that arrives late waits for the next tick rather than taking
/// a missed one at once. Continuations run on the tick's thread, one after another, so a loop does only quick work
/// before its next <c>await</c>; one that may block (a terminal that does not read) yields first.
/// </para>
/// </summary>
public sealed class IntervalClock : IDisposable
{
    private readonly object _gate = new();
    private readonly ITimer? _timer;
    private readonly ManualResetEvent _stopTicking = new(false);
    private TaskCompletionSource<bool> _next = NewTick();
    private bool _disposed;

    public IntervalClock(TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Interval = interval;
        if (time == TimeProvider.System)
        {
            new Thread(TickEveryInterval) { IsBackground = true, Name = "leakwatch clock" }.Start();
        }
        else
        {
            _timer = time.CreateTimer(_ => Tick(), null, interval, interval); // a test's time: ticks when it is advanced
        }
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
    public void Tick() => TakeNext(dispose: false)?.TrySetResult(true);

    public void Dispose()
    {
        if (TakeNext(dispose: true) is { } pending)
        {
            _timer?.Dispose();
            _stopTicking.Set();
            pending.TrySetResult(false);
        }
    }

    /// <summary>The tick the loops wait for, replaced by a new one (or by none, disposing); null once disposed.</summary>
    private TaskCompletionSource<bool>? TakeNext(bool dispose)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            var due = _next;
            _disposed = dispose;
            if (!dispose)
            {
                _next = NewTick();
            }

            return due;
        }
    }

    private void TickEveryInterval()
    {
        var next = Stopwatch.GetTimestamp();
        while (true)
        {
            next += (long)(Interval.TotalSeconds * Stopwatch.Frequency);
            var now = Stopwatch.GetTimestamp();
            if (next < now)
            {
                next = now; // behind (a long tick, a paused machine): go on from now rather than tick in a burst
            }

            if (_stopTicking.WaitOne(Stopwatch.GetElapsedTime(now, next)))
            {
                return;
            }

            Tick();
        }
    }

    // Continuations inline (no RunContinuationsAsynchronously): every waiting loop runs in the tick's one wake-up.
    private static TaskCompletionSource<bool> NewTick() => new(TaskCreationOptions.None);
}
