using LeakWatch.Agent.Snapshots.Freezing;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>What the attach route read, and how.</summary>
internal sealed record AttachResult(RawWalk Walk, TimeSpan Paused, string Route, string? RouteNote, long CopiedBytes);

/// <summary>
/// The attach route. While the target runs: find the runtime, load the DAC, create the ClrMD runtime (all of which
/// only read). Then freeze every thread (<see cref="Freezer"/>) and either copy the memory that can change
/// (<see cref="ProcessImage"/>), resume, and walk the copy with the target running (the "capture" route), or, when
/// the copy would not fit <see cref="SnapshotOptions.CopyBudget"/>, walk with the target frozen under
/// <see cref="SnapshotOptions.MaxPause"/> (the "frozen" route). ClrMD's caches warmed before the freeze are flushed
/// after it, so the walk sees only the frozen state. Must run on a thread of its own (the freezer's rule).
/// </summary>
internal static class AttachWalk
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    public static AttachResult Run(TargetProcess target, SnapshotOptions options, CancellationToken stop)
    {
        if (!Registers.Supported)
        {
            throw new LeakWatchException(ExitCode.TargetNotSupported, "--via attach reads thread registers on x64 only; use --via dump on this machine.");
        }

        DacLocator.Preload(target.Pid);
        using var clrmd = AttachWithoutSuspending(target);
        var live = new LiveMemory(target.Pid);
        var reader = new TargetReader(clrmd.DataReader, live);
        var cache = new PageCachingReader(reader);
        using var dataTarget = new DataTarget(cache, new DataTargetOptions());
        var clr = dataTarget.ClrVersions.FirstOrDefault()
            ?? throw (live.TargetExited || SnapshotService.Gone(target.Pid)
                ? SnapshotService.ExitedDuring(target.Pid, target.Name)
                : new LeakWatchException(ExitCode.TargetNotSupported, $"Process {target.Pid} ({target.Name}) has no .NET runtime loaded that leakwatch can read."));
        using var runtime = SnapshotService.CreateRuntime(clr, target);
        var (budgetBytes, budgetReason) = options.CopyBudget.Resolve(AgentMemoryProbe.Read());
        var (buffer, note) = budgetBytes == 0
            ? (null, options.CopyBudget.IsAuto ? $"no memory to copy into ({budgetReason})" : "the capture route is off (--copy-budget 0)")
            : CaptureBuffer(target.Pid, budgetBytes, budgetReason);
        using var copy = buffer;
        Freezer.Warm(target.Pid);
        using var noCollection = NoCollectionRegion.Enter();
        var budget = new PauseBudget(options.MaxPause, stop);
        SnapshotService.Trace(budget, "runtime ready, target running");
        // Every thread must stop for anything to be taken: a tiny --max-pause cuts the walk short, not the freeze; a
        // thread that does not stop in 2 s (uninterruptible sleep) fails the snapshot with the target resumed.
        using var freezer = Freezer.Freeze(target.Pid, target.Name, options.MaxPause > StopTimeout ? options.MaxPause : StopTimeout);
        reader.Threads = freezer.Threads;
        SnapshotService.Trace(budget, $"frozen, {freezer.Threads.Count} threads ({freezer.Phases})");
        ProcessImage? image = null;
        if (buffer is not null)
        {
            image = ProcessImage.Capture(target.Pid, target.Name, buffer, live, out var needed);
            note = image is null && needed > budgetBytes ? $"{Mib(needed)} to copy at the freeze, over the copy budget of {Mib(budgetBytes)} ({budgetReason})"
                : image is null ? $"{Mib(needed)} to copy at the freeze, more than the {Mib(buffer.Length)} set aside before it (the target grew meanwhile)"
                : null;
        }

        RawWalk walk;
        if (image is not null)
        {
            freezer.Dispose();
            noCollection.Dispose();
            SnapshotService.Trace(budget, $"copied {Mib(image.Bytes)} ({image.Phases}), resumed");
            reader.Memory = image;
            runtime.FlushCachedData();
            // The target runs again: the budget now only bounds the analysis, and Ctrl+C still stops it.
            walk = new RuntimeWalker(runtime, options, new PauseBudget(TimeSpan.FromMinutes(10), stop)).Walk();
        }
        else
        {
            noCollection.Dispose(); // the frozen walk allocates far more than the region allows
            cache.Caching = true;
            runtime.FlushCachedData();
            walk = new RuntimeWalker(runtime, options, budget).Walk();
            freezer.Dispose();
        }

        SnapshotService.Trace(budget, "walked");
        if (live.TargetExited)
        {
            throw SnapshotService.ExitedDuring(target.Pid, target.Name);
        }

        return new AttachResult(walk, freezer.Paused, image is null ? "frozen" : "capture", note, image?.Bytes ?? 0);
    }

    /// <summary>
    /// A buffer for the copy, allocated while the target still runs and touched as far as the copy needs now (page
    /// faults are ours, not the pause's), with untouched room to grow; null, and why, when it does not fit the budget.
    /// </summary>
    private static (CopyBuffer? Buffer, string? Note) CaptureBuffer(int pid, long copyBudget, string budgetReason)
    {
        long estimate;
        try
        {
            estimate = ProcessImage.Measure(pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, "/proc/PID/pagemap could not be read");
        }

        if (estimate > copyBudget)
        {
            return (null, $"{Mib(estimate)} to copy, over the copy budget of {Mib(copyBudget)} ({budgetReason})");
        }

        var size = (int)Math.Min(Math.Min(copyBudget, int.MaxValue), estimate + Math.Max(estimate / 8, 8L * 1024 * 1024));
        return CopyBuffer.TryAllocate(size, touched: (int)Math.Min(estimate, size)) is { } buffer ? (buffer, null) : (null, $"the system refused the {Mib(size)} to copy into");
    }

    private static string Mib(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MiB");

    private static DataTarget AttachWithoutSuspending(TargetProcess target)
    {
        try
        {
            // suspend: false: ClrMD's reader never ptraces; it only lists modules here. The freezer stops the target.
            return DataTarget.AttachToProcess(target.Pid, suspend: false);
        }
        catch (Exception e) when (e is not LeakWatchException)
        {
            throw SnapshotService.ExplainAttach(e, target);
        }
    }
}
