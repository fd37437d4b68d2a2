using System.Diagnostics;
using System.Runtime.InteropServices;
using LeakWatch.Agent.Snapshots.EventPipe;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Takes stack snapshots of a target: live (<see cref="AttachWalk"/>: frozen to copy, or frozen for the walk) or from a
/// temporary dump, or thread stacks only over EventPipe (<see cref="SnapshotRouting"/>: asked for, a pid from another
/// namespace, ptrace refused). Safety first: the target is resumed on every path (the freezer is disposed in a finally; Ctrl+C,
/// SIGTERM and process exit stop the walk and wait for the resume; if this process dies, nothing is left pending), the
/// pause is bounded by <see cref="SnapshotOptions.MaxPause"/>, and a temporary dump is deleted on every path.
/// </summary>
public sealed class SnapshotService : ISnapshotTaker
{
    private readonly TimeProvider _time;

    public SnapshotService(TimeProvider time) => _time = time;

    public async Task<StackSnapshot> TakeAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
    {
        options.Validate();
        if (SnapshotRouting.ThreadStacksOnlyBecause(target, options) is { } because)
        {
            return await EventPipeSnapshots.TakeAsync(target, options, because, _time, cancellation).ConfigureAwait(false);
        }

        try
        {
            return await WalkHeapAsync(target, options, cancellation).ConfigureAwait(false);
        }
        catch (LeakWatchException refused) when (SnapshotRouting.FallsBackToEventPipe(refused, options))
        {
            return await EventPipeSnapshots.TakeAsync(target, options, SnapshotRouting.PtraceRefused, _time, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<StackSnapshot> WalkHeapAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
    {
        var takenAt = _time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var result = options.Route == SnapshotRoute.Dump
            ? await ViaDumpAsync(target, options, cancellation).ConfigureAwait(false)
            : await ViaAttachAsync(target, options, cancellation).ConfigureAwait(false);
        var walk = result.Walk;
        if (result.CopiedBytes > 0)
        {
            // The copy went back to the system when the walk ended; what the walk allocated around it goes back now:
            // the agent's memory is bounded, not just its peak.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        // A pid from another namespace names some other process here: only a visible pid can say the target is gone.
        if (target.Connection is not { PidVisible: false } && !TargetResolver.ProcessExists(target.Pid))
        {
            throw ExitedDuring(target.Pid, target.Name);
        }

        cancellation.ThrowIfCancellationRequested();
        // The target runs again: now the PDBs can be read for the frames' source lines, and its descriptors, where
        // /proc/PID is the target itself.
        var procShowsTarget = TargetResolver.ProcShows(target);
        using var sources = new SourceLocator(procShowsTarget ? target.Pid : null);
        var threads = StackGrouper.GroupThreads(walk.ThreadStacks.Select(stack => stack.Select(frame => CodeReference.Resolve(frame, sources)).ToList()));
        var tasks = StackGrouper.GroupChains(walk.PendingTasks, ChainLocations.Resolve(walk.Chains, sources));
        var descriptors = procShowsTarget ? DescriptorReader.Read(target.Pid) : null;
        return new StackSnapshot
        {
            Pid = target.Pid,
            ProcessName = target.Name,
            TakenAt = takenAt,
            DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            PausedMs = result.Paused.TotalMilliseconds,
            Partial = walk.StopReason is not null,
            PartialReason = walk.StopReason,
            Via = options.Route == SnapshotRoute.Dump ? "dump" : "attach",
            RuntimeVersion = target.RuntimeVersion?.ToString(3) ?? walk.RuntimeVersion,
            Route = options.Route == SnapshotRoute.Dump ? null : result.Route,
            RouteNote = result.RouteNote,
            CopiedBytes = result.CopiedBytes,
            Threads = threads,
            Tasks = tasks,
            Timers = walk.Timers is { } timers ? TimerLocations.Resolve(timers, sources) : null,
            Descriptors = descriptors,
            Heap = walk.Heap,
        };
    }

    private static Task<AttachResult> ViaAttachAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
    {
        // A thread of its own: the walk is synchronous, signal handlers must be able to reach it, and it is the
        // ptrace tracer: when it ends, the kernel detaches anything still traced.
        var completion = new TaskCompletionSource<AttachResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(WalkAttached(target, options, cancellation));
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        {
            IsBackground = false, // the process must not exit before the target is resumed
            Name = "leakwatch-snapshot",
        };
        thread.Start();
        return completion.Task;
    }

    private static AttachResult WalkAttached(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var resumed = new ManualResetEventSlim(false);
        var signalled = false;
        void StopAndWait(PosixSignalContext context)
        {
            // Stop the walk and let the finally below resume the target before the process goes on to exit.
            context.Cancel = true;
            signalled = true;
            stop.Cancel();
            resumed.Wait(TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        void OnProcessExit(object? sender, EventArgs e)
        {
            stop.Cancel();
            resumed.Wait(TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopAndWait);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopAndWait);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, StopAndWait);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;

        try
        {
            var result = AttachWalk.Run(target, options, stop.Token);
            return signalled || cancellation.IsCancellationRequested
                ? throw new OperationCanceledException("The snapshot was cancelled; the target was resumed.")
                : result;
        }
        catch (Exception e) when (e is not LeakWatchException and not OperationCanceledException && Gone(target.Pid))
        {
            throw ExitedDuring(target.Pid, target.Name, e);
        }
        finally
        {
            // AttachWalk resumed the target before returning or throwing; a signal handler may let the process exit now.
            resumed.Set();
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        }
    }

    private static async Task<AttachResult> ViaDumpAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
    {
        var directory = options.DumpDirectory ?? Path.GetTempPath();
        var path = Path.Combine(directory, $"leakwatch-{target.Pid}-{Guid.NewGuid():N}.dmp");
        try
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                // The runtime's createdump writes the file mode 0600: readable by the target's user only.
                await EventPipeSnapshots.ClientFor(target).WriteDumpAsync(DumpType.WithHeap, path, logDumpGeneration: false, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw TargetResolver.Explain(e, target)
                    ?? new LeakWatchException(ExitCode.TargetNotSupported, $"Process {target.Pid} ({target.Name}) could not write a dump to {directory}: {UserMessages.Describe(e)}.", e);
            }

            var paused = Stopwatch.GetElapsedTime(started);
            if (!File.Exists(path))
            {
                // Written where the app sees the path: in its own filesystem, when it runs in another mount namespace.
                throw new LeakWatchException(
                    ExitCode.InvalidConfiguration,
                    $"Process {target.Pid} ({target.Name}) wrote its dump to {path} in its own filesystem, which leakwatch cannot see: give --dump-dir a directory on a volume both containers mount at the same path (an emptyDir such as /diag).");
            }

            TryRestrictToOwner(path);
            using var dataTarget = DataTarget.LoadDump(path);
            var clr = dataTarget.ClrVersions.FirstOrDefault()
                ?? throw new LeakWatchException(ExitCode.TargetNotSupported, $"The dump of process {target.Pid} ({target.Name}) has no .NET runtime in it.");
            using var runtime = CreateRuntime(clr, target);
            // The target already runs again: the budget only bounds the analysis, and Ctrl+C still stops it.
            var budget = new PauseBudget(TimeSpan.FromHours(1), cancellation);
            return new AttachResult(new RuntimeWalker(runtime, options, budget).Walk(), paused, "dump", null, 0);
        }
        finally
        {
            TryDelete(path);
        }
    }

    /// <summary>Exit code 8, in the one wording every route uses.</summary>
    internal static LeakWatchException ExitedDuring(int pid, string name, Exception? cause = null) =>
        new(ExitCode.TargetExited, $"Process {pid} ({name}) exited during the snapshot; nothing was taken.", cause);

    /// <summary>
    /// Whether the target is gone, or going: a SIGKILLed process with a thousand threads stays listed (not yet a zombie)
    /// for a moment while its threads exit, so look for up to a second before calling a failure a bug.
    /// </summary>
    internal static bool Gone(int pid)
    {
        for (var look = 0; look < 20; look++)
        {
            if (!TargetResolver.ProcessExists(pid))
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    /// <summary>LEAKWATCH_TRACE=1 prints the phases of the pause to stderr, to see where the time goes.</summary>
    internal static void Trace(PauseBudget budget, string phase)
    {
        if (TraceEnabled)
        {
            Console.Error.WriteLine($"leakwatch-trace: {budget.Elapsed.TotalMilliseconds:0} ms {phase}");
        }
    }

    private static readonly bool TraceEnabled = Environment.GetEnvironmentVariable("LEAKWATCH_TRACE") == "1";

    internal static ClrRuntime CreateRuntime(ClrInfo clr, TargetProcess target)
    {
        try
        {
            return DacLocator.CreateRuntime(clr, target.Pid);
        }
        catch (Exception e) when (e is not LeakWatchException && TargetResolver.ProcessExists(target.Pid))
        {
            throw new LeakWatchException(
                ExitCode.TargetNotSupported,
                $"Cannot read the .NET runtime of process {target.Pid} ({target.Name}): {UserMessages.Describe(e)} (libmscordaccore.so is looked for beside the target's libcoreclr.so).",
                e);
        }
    }

    internal static LeakWatchException ExplainAttach(Exception error, TargetProcess target)
    {
        if (!TargetResolver.ProcessExists(target.Pid))
        {
            return new LeakWatchException(ExitCode.TargetExited, $"Process {target.Pid} ({target.Name}) exited before the snapshot.", error);
        }

        var text = error.ToString();
        if (error is UnauthorizedAccessException || text.Contains("errno: 1", StringComparison.Ordinal) || text.Contains("EPERM", StringComparison.Ordinal)
            || text.Contains("ermission", StringComparison.Ordinal) || text.Contains("errno: 13", StringComparison.Ordinal))
        {
            return new LeakWatchException(
                ExitCode.PermissionDenied,
                $"ptrace of process {target.Pid} ({target.Name}) was refused: run as the target's user or root with CAP_SYS_PTRACE (kernel.yama.ptrace_scope), or use --snapshot-via dump (stacks and attach).",
                error);
        }

        return new LeakWatchException(ExitCode.TargetNotSupported, $"Cannot attach to process {target.Pid} ({target.Name}): {UserMessages.Describe(error)}.", error);
    }

    private static void TryRestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
            // Owned by the target's user, who created it 0600 already.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
