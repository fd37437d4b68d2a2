using System.Threading.Channels;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Actions;

/// <summary>
/// Handles each trigger on a background loop: first the snapshot (<see cref="SnapshotEvidence"/>), then every action
/// with the finished <see cref="LeakIncident"/>. Enqueuing never blocks: detection and sampling go on whatever the
/// actions do; when the small queue is full the trigger's actions are dropped and counted.
/// </summary>
public sealed class LeakActionRunner : IAsyncDisposable
{
    public const int QueueCapacity = 16;

    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);

    private readonly IReadOnlyList<ILeakAction> _actions;
    private readonly SnapshotEvidence? _snapshot;
    private readonly object _gate = new();
    private readonly AgentHealth _health;
    private readonly TimeSpan _actionTimeout;
    private readonly Channel<LeakTrigger> _queue = Channel.CreateBounded<LeakTrigger>(new BoundedChannelOptions(QueueCapacity)
    {
        // Wait, not DropWrite: with DropWrite TryWrite drops the trigger yet returns true, so a drop would go uncounted.
        // TryWrite never waits in either mode.
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <param name="snapshot">Taken first for each trigger; null takes none.</param>
    public LeakActionRunner(SnapshotEvidence? snapshot, IReadOnlyList<ILeakAction> actions, AgentHealth health, TimeSpan actionTimeout)
    {
        _snapshot = snapshot;
        _actions = actions;
        _health = health;
        _actionTimeout = actionTimeout;
    }

    /// <summary>Whether a trigger leads to anything (a snapshot or an action).</summary>
    public bool HasWork => _snapshot is not null || _actions.Count > 0;

    /// <summary>A line for the person watching: an action failed or was dropped.</summary>
    public event Action<string>? Message;

    public bool TryEnqueue(LeakTrigger trigger)
    {
        if (!HasWork)
        {
            return true;
        }

        lock (_gate)
        {
            // Triggers arrive from the sources' threads; exactly one loop may read the queue.
            _loop ??= Task.Run(RunLoopAsync);
        }

        if (_queue.Writer.TryWrite(trigger))
        {
            return true;
        }

        _health.Error("leak_actions_dropped");
        Message?.Invoke($"leakwatch: too many leak actions queued; actions for rule '{trigger.Rule}' were skipped.");
        return false;
    }

    private async Task RunLoopAsync()
    {
        try
        {
            await foreach (var trigger in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                SnapshotHighlights? highlights = null;
                if (_snapshot is not null)
                {
                    await RunOneAsync("snapshot", trigger, async token => highlights = await _snapshot.TakeAsync(trigger, token).ConfigureAwait(false)).ConfigureAwait(false);
                }

                var incident = new LeakIncident(trigger, highlights);
                foreach (var action in _actions)
                {
                    await RunOneAsync(action.Name, trigger, token => action.RunAsync(incident, token)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task RunOneAsync(string name, LeakTrigger trigger, Func<CancellationToken, Task> run)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        limit.CancelAfter(_actionTimeout);
        try
        {
            await run(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            _health.Error($"leak_action_{name}_failed");
            Message?.Invoke($"leakwatch: the {name} action for rule '{trigger.Rule}' failed: {UserMessages.Describe(e)}.");
        }
    }

    /// <summary>Lets queued actions finish for a short grace period, then cancels what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await Task.WhenAny(loop, Task.Delay(ShutdownGrace)).ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
