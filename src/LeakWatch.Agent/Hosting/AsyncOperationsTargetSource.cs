using System.Collections.Concurrent;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// The live count of pending async operations of each target, beside its counters, recalibrated by every snapshot
/// of that target (one taken before the count started, a baseline, is kept until it starts). Its live counts per
/// method go into snapshots that could not walk async chains (the EventPipe route). Keyed by <see cref="TargetProcess.Id"/>.
/// </summary>
internal sealed class AsyncOperationsTargetSource : ITargetSource
{
    private readonly AsyncOperationsOptions _options;
    private readonly IntervalClock _clock;
    private readonly AgentHealth _health;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<int, AsyncOperationsSource> _running = new();
    private readonly ConcurrentDictionary<int, StackSnapshot> _snapshotsBeforeStart = new();

    public AsyncOperationsTargetSource(AsyncOperationsOptions options, IntervalClock clock, AgentHealth health, TimeProvider time, SnapshotRecorder snapshots, TargetLifetime lifetime)
    {
        _options = options;
        _clock = clock;
        _health = health;
        _time = time;
        snapshots.Taken += OnSnapshotTaken;
        snapshots.DroppedAsyncOf = target => _running.TryGetValue(target.Id, out var source) ? source.DroppedMethods() : [];
        snapshots.PendingOperations = target => _running.TryGetValue(target.Id, out var source) ? source.PendingByMethod() : null;
        lifetime.Stopped += target => _snapshotsBeforeStart.TryRemove(target.Id, out _);
    }

    public string Name => "async_operations";

    public async Task RunAsync(TargetConnection target, ISampleSink sink, Action<string> warn, CancellationToken cancellation)
    {
        var source = new AsyncOperationsSource(target, _options, _clock, _health, _time);
        source.Warning += warn;
        if (_snapshotsBeforeStart.TryRemove(target.Process.Id, out var baseline))
        {
            source.Calibrate(baseline); // a baseline snapshot taken at attach: counts start from the absolute figures
        }

        _running[target.Process.Id] = source;
        try
        {
            await source.RunAsync(sink, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(target.Process.Id, out _);
        }
    }

    private void OnSnapshotTaken(TargetProcess target, StackSnapshot snapshot)
    {
        if (_running.TryGetValue(target.Id, out var source))
        {
            source.Calibrate(snapshot);
        }
        else
        {
            _snapshotsBeforeStart[target.Id] = snapshot;
        }
    }
}
