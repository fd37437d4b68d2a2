using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>
/// Stops every thread of a process with PTRACE_SEIZE + PTRACE_INTERRUPT and saves its registers; <see cref="Dispose"/>
/// detaches them all. Unlike PTRACE_ATTACH, SEIZE sends no SIGSTOP, so nothing is left pending: if this process dies
/// at any instant (SIGKILL, OOM kill), the kernel detaches the tracees and they simply run on. The same happens when
/// the tracing thread exits, which is why a freeze lives on a thread of its own and every ptrace call (seize, wait,
/// registers, detach) is made from that one thread, as the kernel requires.
/// Threads created while the freeze is under way are caught by re-reading /proc/PID/task until a pass finds none new:
/// a frozen thread cannot clone, so once every listed thread is stopped the list is complete.
/// </summary>
internal sealed class Freezer : IDisposable
{
    private const int MaxPasses = 200;

    private readonly int _pid;
    private readonly int _tracerThread = Environment.CurrentManagedThreadId;
    private readonly Dictionary<uint, FrozenThread> _stopped = [];
    private long _started = Stopwatch.GetTimestamp();
    private readonly int _tid = Native.GetTid();
    private readonly int _nice;
    private TimeSpan? _paused;

    private Freezer(int pid)
    {
        _pid = pid;
        // The target pays for every millisecond this thread waits for a CPU while it is frozen: on a busy node, run the
        // freeze and the copy at the highest priority allowed (with CAP_SYS_NICE), and give it back at the resume.
        _nice = Native.GetPriority(Native.PrioProcess, _tid);
        Native.SetPriority(Native.PrioProcess, _tid, Native.HighestNice);
    }

    /// <summary>Stopped threads by OS thread id, with their registers as the kernel gave them (NT_PRSTATUS).</summary>
    public IReadOnlyDictionary<uint, FrozenThread> Threads => _stopped;

    /// <summary>From the first thread stopped to the last one resumed (so far, while still frozen).</summary>
    public TimeSpan Paused => _paused ?? Stopwatch.GetElapsedTime(_started);

    public bool IsFrozen => _paused is null;

    /// <summary>Where the freeze's time went, for LEAKWATCH_TRACE.</summary>
    public string Phases => string.Create(
        CultureInfo.InvariantCulture,
        $"task list {_listTime.TotalMilliseconds:0.0} ms, seize {_seizeTime.TotalMilliseconds:0.0} ms, wait for stops {_waitTime.TotalMilliseconds:0.0} ms ({_polls} polls, {_passes} task-list passes)");

    private TimeSpan _seizeTime;
    private TimeSpan _listTime;
    private TimeSpan _waitTime;
    private int _polls;
    private int _passes;

    /// <summary>
    /// Does while the target runs what the first freeze would otherwise pay for inside the pause: compiles the
    /// freeze's and the copy's methods and binds their libc entry points (calls that fail harmlessly: no such
    /// thread, no such child), and lists the target's threads once (the first enumeration of a directory costs
    /// milliseconds of start-up).
    /// </summary>
    public static void Warm(int pid)
    {
        _ = Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task").Select(Path.GetFileName).Where(t => t is not null).ToList();
        foreach (var method in new[] { nameof(StopAll), nameof(WaitForStops), nameof(ReadThreadIds), nameof(ThreadCount), nameof(Dispose) })
        {
            RuntimeHelpers.PrepareMethod(typeof(Freezer).GetMethod(method, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.MethodHandle);
        }

        foreach (var method in new[] { nameof(ProcFs.TryRead), nameof(ProcFs.StatusField), nameof(ProcFs.IsInTracingStop), nameof(ProcFs.StateIn) })
        {
            RuntimeHelpers.PrepareMethod(typeof(ProcFs).GetMethod(method, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.MethodHandle);
        }

        ProcessImage.Warm();
        _ = Native.Ptrace(Native.PtraceInterrupt, -1, 0, 0);
        _ = Registers.Read(uint.MaxValue);
        unsafe
        {
            int status;
            _ = Native.WaitPid(int.MaxValue, &status, Native.WAll | Native.WNoHang);
        }

        Native.SleepMicroseconds(0);
    }

    /// <summary>Freezes <paramref name="pid"/>; on failure every thread already stopped is resumed before the throw.</summary>
    public static Freezer Freeze(int pid, string name, TimeSpan stopTimeout)
    {
        if (pid == Environment.ProcessId)
        {
            throw new LeakWatchException(ExitCode.TargetNotSupported, $"Process {pid} ({name}) is leakwatch itself: it cannot freeze itself.");
        }

        var freezer = new Freezer(pid);
        try
        {
            freezer.StopAll(name, stopTimeout);
            return freezer;
        }
        catch
        {
            freezer.Dispose();
            throw;
        }
    }

    /// <summary>Resumes every thread (re-delivering a signal that arrived during the freeze). Idempotent.</summary>
    public void Dispose()
    {
        if (_paused is not null)
        {
            return;
        }

        Debug.Assert(Environment.CurrentManagedThreadId == _tracerThread, "ptrace detach must come from the tracing thread");
        foreach (var (tid, thread) in _stopped)
        {
            // Fails only for a thread that died meanwhile: nothing to resume then.
            Native.Ptrace(Native.PtraceDetach, (int)tid, 0, thread.PendingSignal);
        }

        _paused = Stopwatch.GetElapsedTime(_started);
        Native.SetPriority(Native.PrioProcess, _tid, _nice);
    }

    private void StopAll(string name, TimeSpan stopTimeout)
    {
        var seized = new HashSet<uint>();
        var waiting = new List<uint>();
        var deadline = Stopwatch.GetTimestamp() + (long)(stopTimeout.TotalSeconds * Stopwatch.Frequency);
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var seizeStarted = Stopwatch.GetTimestamp();
            // Every stopped thread is alive, so when the kernel counts as many threads as are stopped, there is none
            // left to stop: one small read instead of listing a thousand task directories with the target frozen.
            // (None stopped is a process on its way out, whose count can drop to zero: the listing says so.)
            if (pass > 0 && _stopped.Count > 0 && ThreadCount() == _stopped.Count)
            {
                _listTime += Stopwatch.GetElapsedTime(seizeStarted);
                return;
            }

            _passes++;
            var fresh = ReadThreadIds(name).Where(tid => !seized.Contains(tid)).ToList();
            _listTime += Stopwatch.GetElapsedTime(seizeStarted);
            if (fresh.Count == 0)
            {
                if (_stopped.Count == 0)
                {
                    throw SnapshotService.ExitedDuring(_pid, name);
                }

                return;
            }

            foreach (var tid in fresh)
            {
                if (Native.Ptrace(Native.PtraceSeize, (int)tid, 0, 0) != 0)
                {
                    var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (error == Native.EPerm && seized.Count == 0)
                    {
                        // A process on its way out refuses ptrace with EPERM too.
                        if (SnapshotService.Gone(_pid))
                        {
                            throw SnapshotService.ExitedDuring(_pid, name);
                        }

                        throw new LeakWatchException(
                            ExitCode.PermissionDenied,
                            $"ptrace of process {_pid} ({name}) was refused: run as the target's user or root with CAP_SYS_PTRACE (kernel.yama.ptrace_scope), or use --via dump.");
                    }

                    continue; // the thread ended meanwhile (ESRCH), or is already traced by someone else
                }

                seized.Add(tid);
                waiting.Add(tid);
            }

            // A seized thread runs on until it is interrupted: seize them all first, then stop them all in one tight
            // loop, so the pause is as short as the interrupts, not the seizes.
            if (pass == 0)
            {
                _started = Stopwatch.GetTimestamp(); // the pause starts with the first thread stopped, not before
            }

            foreach (var tid in waiting)
            {
                Native.Ptrace(Native.PtraceInterrupt, (int)tid, 0, 0);
            }

            var waitStarted = Stopwatch.GetTimestamp();
            _seizeTime += Stopwatch.GetElapsedTime(seizeStarted, waitStarted);
            WaitForStops(waiting, deadline, name);
            _waitTime += Stopwatch.GetElapsedTime(waitStarted);
        }

        throw new LeakWatchException(ExitCode.TargetNotSupported, $"Process {_pid} ({name}) kept creating threads faster than they could be stopped; it was resumed. Try again.");
    }

    private unsafe void WaitForStops(List<uint> waiting, long deadline, string name)
    {
        var started = Stopwatch.GetTimestamp();
        var leaderCheckAfter = started + Stopwatch.Frequency / 500; // 2 ms
        var othersCheckAfter = started + Stopwatch.Frequency / 20; // 50 ms
        while (waiting.Count > 0)
        {
            _polls++;
            var now = Stopwatch.GetTimestamp();
            var progress = false;
            for (var i = waiting.Count - 1; i >= 0; i--)
            {
                var tid = waiting[i];
                int status;
                var result = Native.WaitPid((int)tid, &status, Native.WAll | Native.WNoHang);
                // Only the leader's stop can be reported to someone else: when leakwatch is also the target's parent
                // (the demo starts its target), .NET's SIGCHLD handler waits for the child's pid and takes the
                // leader's stop. Other threads are looked at in /proc only late, as a safety net (it costs a file
                // read per thread, on CPUs the target needs to reach its stops).
                if (result == 0 && now > (tid == _pid ? leaderCheckAfter : othersCheckAfter) && ProcFs.IsInTracingStop(_pid, tid))
                {
                    // The thread is stopped all the same; only a signal held by that stop is unknown.
                    waiting.RemoveAt(i);
                    _stopped[tid] = new FrozenThread(tid, Registers.Read(tid), 0);
                    progress = true;
                    continue;
                }

                if (result == 0 || (result < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Native.EIntr))
                {
                    continue; // not stopped yet
                }

                waiting.RemoveAt(i);
                progress = true;
                if (result == (int)tid && Native.Stopped(status))
                {
                    // A signal-delivery-stop (event 0) holds a signal meant for the target: it is re-delivered on detach.
                    var signal = Native.Event(status) == 0 ? Native.StopSignal(status) : 0;
                    _stopped[tid] = new FrozenThread(tid, Registers.Read(tid), signal);
                }

                // Otherwise the thread exited between the seize and the stop: nothing to resume.
            }

            if (waiting.Count > 0 && Stopwatch.GetTimestamp() > deadline)
            {
                throw new LeakWatchException(
                    ExitCode.TargetNotSupported,
                    $"Thread {waiting[0]} of process {_pid} ({name}) did not stop within the pause budget (in uninterruptible sleep?); the target was resumed. Try again.");
            }

            if (waiting.Count > 0 && !progress)
            {
                // Give the CPU to the threads on their way to the stop instead of spinning at the highest priority
                // (on a small node the freezer's own spinning was most of the freeze).
                Native.SleepMicroseconds(50);
            }
        }
    }

    /// <summary>"Threads:" of /proc/PID/status, the kernel's count of the process's threads; -1 when unreadable.</summary>
    private int ThreadCount() =>
        ProcFs.TryRead(Path.Combine(ProcFs.ProcessDirectory(_pid), "status")) is { } status && ProcFs.StatusField(status, "Threads:") is { } count ? (int)count : -1;

    private List<uint> ReadThreadIds(string name)
    {
        var tids = new List<uint>();
        try
        {
            foreach (var directory in Directory.EnumerateDirectories($"/proc/{_pid.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                if (uint.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                {
                    tids.Add(tid);
                }
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException)
        {
            throw SnapshotService.ExitedDuring(_pid, name, e);
        }

        return tids;
    }
}

/// <summary>One stopped thread: its registers (NT_PRSTATUS layout) and the signal to re-deliver when it is resumed.</summary>
internal sealed record FrozenThread(uint Tid, byte[] Registers, int PendingSignal);
