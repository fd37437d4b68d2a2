using System.Diagnostics;
using System.Globalization;
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
    private readonly long _started = Stopwatch.GetTimestamp();
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
            var fresh = ReadThreadIds(name).Where(tid => !seized.Contains(tid)).ToList();
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
                Native.Ptrace(Native.PtraceInterrupt, (int)tid, 0, 0);
                waiting.Add(tid);
            }

            WaitForStops(waiting, deadline, name);
        }

        throw new LeakWatchException(ExitCode.TargetNotSupported, $"Process {_pid} ({name}) kept creating threads faster than they could be stopped; it was resumed. Try again.");
    }

    private unsafe void WaitForStops(List<uint> waiting, long deadline, string name)
    {
        var spin = new SpinWait();
        var lookInProcAfter = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 500; // 2 ms
        while (waiting.Count > 0)
        {
            var lookInProc = Stopwatch.GetTimestamp() > lookInProcAfter;
            for (var i = waiting.Count - 1; i >= 0; i--)
            {
                var tid = waiting[i];
                int status;
                var result = Native.WaitPid((int)tid, &status, Native.WAll | Native.WNoHang);
                if (result == 0 && lookInProc && IsInTracingStop(tid))
                {
                    // Stopped, but its stop was reported to someone else: when leakwatch is also the target's parent
                    // (the demo starts its target), .NET's SIGCHLD handler waits for the child's pid and takes the
                    // leader's stop. The thread is stopped all the same; only a signal held by that stop is unknown.
                    waiting.RemoveAt(i);
                    _stopped[tid] = new FrozenThread(tid, Registers.Read(tid), 0);
                    continue;
                }

                if (result == 0 || (result < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Native.EIntr))
                {
                    continue; // not stopped yet
                }

                waiting.RemoveAt(i);
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

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>State 't' in /proc/PID/task/TID/stat (the field after the parenthesised name): a ptrace stop.</summary>
    private bool IsInTracingStop(uint tid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{_pid.ToString(CultureInfo.InvariantCulture)}/task/{tid.ToString(CultureInfo.InvariantCulture)}/stat");
            var end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length && stat[end + 2] == 't';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // the thread ended: the next waitpid says so
        }
    }

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
