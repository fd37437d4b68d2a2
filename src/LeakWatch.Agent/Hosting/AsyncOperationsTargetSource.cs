using System.Collections.Concurrent;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// The live count of pending async operations of each target, beside its counters, recalibrated by every snapshot
/// of that target (one taken before the count started, a baseline, is kept until it starts).
/// </summary>
internal sealed class AsyncOperationsTargetSource : ITargetSource
{
    private readonly AsyncOperationsOptions _options;
    private readonly TimeSpan _interval;
    private readonly AgentHealth _health;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<int, AsyncOperationsSource> _running = new();
    private readonly ConcurrentDictionary<int, StackSnapshot> _snapshotsBeforeStart = new();

    public AsyncOperationsTargetSource(AsyncOperationsOptions options, TimeSpan interval, AgentHealth health, TimeProvider time, SnapshotRecorder snapshots, TargetLifetime lifetime)
    {
        _options = options;
        _interval = interval;
        _health = health;
        _time = time;
        snapshots.Taken += OnSnapshotTaken;
        lifetime.Stopped += target => _snapshotsBeforeStart.TryRemove(target.Pid, out _);
    }

    public string Name => "async_operations";

    public async Task RunAsync(TargetConnection target, ISampleSink sink, Action<string> warn, CancellationToken cancellation)
    {
        var source = new AsyncOperationsSource(target, _options, _interval, _health, _time);
        source.Warning += warn;
        if (_snapshotsBeforeStart.TryRemove(target.Process.Pid, out var baseline))
        {
            source.Calibrate(baseline); // a baseline snapshot taken at attach: counts start from the absolute figures
        }

        _running[target.Process.Pid] = source;
        try
        {
            await source.RunAsync(sink, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(target.Process.Pid, out _);
        }
    }

    private void OnSnapshotTaken(TargetProcess target, StackSnapshot snapshot)
    {
        if (_running.TryGetValue(target.Pid, out var source))
        {
            source.Calibrate(snapshot);
        }
        else
        {
            _snapshotsBeforeStart[target.Pid] = snapshot;
        }
    }
}
