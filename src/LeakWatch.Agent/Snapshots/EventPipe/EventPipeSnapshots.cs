using System.Diagnostics;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Snapshots.EventPipe;

/// <summary>
/// The thread-stacks route: every managed thread's stack through the target's diagnostic connection (the runtime's
/// sample profiler, plus rundown for method names), grouped by the same <see cref="StackGrouper"/> as the ClrMD walk,
/// so groups, headlines, writers and diffs are the same. It needs neither ptrace nor a shared pid or mount namespace,
/// and stops the target only for the profiler's passes: the session is stopped as soon as it has started, so that is
/// one pass or a few, milliseconds each (docs/benchmarks.md). Async chains live on the heap, which only ClrMD reads:
/// the snapshot says so in <see cref="StackSnapshot.TaskChainsSkipped"/>.
/// </summary>
public static class EventPipeSnapshots
{
    public const string Via = "eventpipe";

    /// <param name="chainsSkipped">Why this route was taken instead of a heap walk, for the report.</param>
    public static async Task<StackSnapshot> TakeAsync(TargetProcess target, SnapshotOptions options, string chainsSkipped, TimeProvider time, CancellationToken cancellation)
    {
        var takenAt = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var client = ClientFor(target);
        var who = $"Process {target.Pid} ({target.Name})";
        List<IReadOnlyList<string?>> stacks = [];
        var sampled = TimeSpan.Zero;
        foreach (var sampleFor in EventPipeStackDefaults.SampleAttempts)
        {
            (stacks, sampled) = await SampleAsync(client, options, who, sampleFor, cancellation).ConfigureAwait(false);
            if (stacks.Count > 0)
            {
                break;
            }
        }

        return new StackSnapshot
        {
            Pid = target.Pid,
            ProcessName = target.Name,
            TakenAt = takenAt,
            DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            PausedMs = sampled.TotalMilliseconds,
            Partial = stacks.Count == 0,
            PartialReason = stacks.Count == 0 ? "the runtime's sample profiler recorded no thread; try again" : null,
            Via = Via,
            RuntimeVersion = target.RuntimeVersion?.ToString(3),
            Threads = StackGrouper.GroupThreads(stacks),
            TaskChainsSkipped = chainsSkipped,
        };
    }

    /// <summary>
    /// The connection a snapshot reaches its target through: the one it came from, or its own socket when its pid is
    /// ours to use. Never a socket looked up by a pid from another namespace.
    /// </summary>
    public static DiagnosticsClient ClientFor(TargetProcess target) =>
        target.Connection?.Client ?? new DiagnosticsClient(target.Pid);

    private static async Task<(List<IReadOnlyList<string?>> Stacks, TimeSpan Sampled)> SampleAsync(
        DiagnosticsClient client, SnapshotOptions options, string who, TimeSpan sampleFor, CancellationToken cancellation)
    {
        using var session = await ThreadSampleSession.RecordAsync(client, rundown: true, sampleFor, who, cancellation).ConfigureAwait(false);
        cancellation.ThrowIfCancellationRequested();
        try
        {
            var (stacks, sampling) = ThreadStackReader.Read(session.TracePath, options.MaxFramesPerThread);
            // The passes' span, as the runtime stamped them; a single pass still stopped the threads for a while.
            return (stacks, sampling > TimeSpan.Zero ? sampling : session.Sampled);
        }
        catch (Exception e) when (e is not OperationCanceledException and not LeakWatchException)
        {
            // A session cut short (the target exited mid-sample) leaves a trace that ends early.
            throw new LeakWatchException(ExitCode.TargetExited, $"{who}: its thread sample could not be read ({e.Message}); it may have exited.", e);
        }
    }
}
