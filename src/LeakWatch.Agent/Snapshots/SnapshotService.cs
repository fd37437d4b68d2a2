using System.Diagnostics;
using System.Runtime.InteropServices;
using LeakWatch.Agent.Snapshots.EventPipe;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Takes stack snapshots of a target: live with the target suspended (the default) or from a temporary dump.
/// Safety first: the target is resumed on every path (the DataTarget is disposed in a finally; Ctrl+C, SIGTERM and
/// process exit stop the walk and wait for the resume), the pause is bounded by <see cref="SnapshotOptions.MaxPause"/>,
/// and a temporary dump is deleted on every path.
/// </summary>
public sealed class SnapshotService
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
        var (walk, paused) = options.Route == SnapshotRoute.Dump
            ? await ViaDumpAsync(target, options, cancellation).ConfigureAwait(false)
            : await ViaAttachAsync(target, options, cancellation).ConfigureAwait(false);

        if (!TargetResolver.ProcessExists(target.Pid))
        {
            throw new LeakWatchException(ExitCode.TargetExited, $"Process {target.Pid} ({target.Name}) exited during the snapshot; nothing was taken.");
        }

        cancellation.ThrowIfCancellationRequested();
        var threads = StackGrouper.GroupThreads(walk.ThreadStacks);
        var tasks = StackGrouper.GroupChains(walk.PendingTasks, walk.Chains);
        return new StackSnapshot
        {
            Pid = target.Pid,
            ProcessName = target.Name,
            TakenAt = takenAt,
            DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            PausedMs = paused.TotalMilliseconds,
            Partial = walk.StopReason is not null,
            PartialReason = walk.StopReason,
            Via = options.Route == SnapshotRoute.Dump ? "dump" : "attach",
            RuntimeVersion = target.RuntimeVersion?.ToString(3) ?? walk.RuntimeVersion,
            Threads = threads,
            Tasks = tasks,
        };
    }

    private static Task<(RawWalk Walk, TimeSpan Paused)> ViaAttachAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
    {
        // A thread of its own: the walk is synchronous, and signal handlers must be able to reach it.
        var completion = new TaskCompletionSource<(RawWalk, TimeSpan)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(WalkSuspended(target, options, cancellation));
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

    private static (RawWalk, TimeSpan) WalkSuspended(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
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

        DacLocator.Preload(target.Pid);
        DataTarget? dataTarget = null;
        DataTarget? cached = null;
        var budget = new PauseBudget(options.MaxPause, stop.Token);
        try
        {
            try
            {
                // Never suspend: false. Reading a running process gave missing frames and crashed the analyser.
                dataTarget = DataTarget.AttachToProcess(target.Pid, suspend: true);
            }
            catch (Exception e) when (e is not LeakWatchException)
            {
                throw ExplainAttach(e, target);
            }

            Trace(budget, "attached");
            // The target is frozen now: read its memory a page at a time, not an object at a time.
            cached = new DataTarget(new PageCachingReader(dataTarget.DataReader), new DataTargetOptions());
            var clr = cached.ClrVersions.FirstOrDefault()
                ?? throw new LeakWatchException(ExitCode.TargetNotSupported, $"Process {target.Pid} ({target.Name}) has no .NET runtime loaded that leakwatch can read.");
            Trace(budget, "runtime found");
            using var runtime = CreateRuntime(clr, target);
            Trace(budget, "runtime created");
            var walk = new RuntimeWalker(runtime, options, budget).Walk();
            Trace(budget, "walked");
            return signalled || cancellation.IsCancellationRequested
                ? throw new OperationCanceledException("The snapshot was cancelled; the target was resumed.")
                : (walk, budget.Elapsed);
        }
        catch (Exception e) when (e is not LeakWatchException && !TargetResolver.ProcessExists(target.Pid))
        {
            throw new LeakWatchException(ExitCode.TargetExited, $"Process {target.Pid} ({target.Name}) exited during the snapshot; nothing was taken.", e);
        }
        finally
        {
            cached?.Dispose();
            dataTarget?.Dispose(); // detaches: the target runs again
            resumed.Set();
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        }
    }

    private static async Task<(RawWalk, TimeSpan)> ViaDumpAsync(TargetProcess target, SnapshotOptions options, CancellationToken cancellation)
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
                    ?? new LeakWatchException(ExitCode.TargetNotSupported, $"Process {target.Pid} ({target.Name}) could not write a dump to {directory}: {e.Message}", e);
            }

            var paused = Stopwatch.GetElapsedTime(started);
            TryRestrictToOwner(path);
            using var dataTarget = DataTarget.LoadDump(path);
            var clr = dataTarget.ClrVersions.FirstOrDefault()
                ?? throw new LeakWatchException(ExitCode.TargetNotSupported, $"The dump of process {target.Pid} ({target.Name}) has no .NET runtime in it.");
            using var runtime = CreateRuntime(clr, target);
            // The target already runs again: the budget only bounds the analysis, and Ctrl+C still stops it.
            var budget = new PauseBudget(TimeSpan.FromHours(1), cancellation);
            return (new RuntimeWalker(runtime, options, budget).Walk(), paused);
        }
        finally
        {
            TryDelete(path);
        }
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

    private static ClrRuntime CreateRuntime(ClrInfo clr, TargetProcess target)
    {
        try
        {
            return DacLocator.CreateRuntime(clr, target.Pid);
        }
        catch (Exception e) when (e is not LeakWatchException && TargetResolver.ProcessExists(target.Pid))
        {
            throw new LeakWatchException(
                ExitCode.TargetNotSupported,
                $"Cannot read the .NET runtime of process {target.Pid} ({target.Name}): {e.Message} (libmscordaccore.so is looked for beside the target's libcoreclr.so).",
                e);
        }
    }

    private static LeakWatchException ExplainAttach(Exception error, TargetProcess target)
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

        return new LeakWatchException(ExitCode.TargetNotSupported, $"Cannot attach to process {target.Pid} ({target.Name}): {error.Message}", error);
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
