using System.Threading.Channels;

namespace LeakWatch.Agent.Actions;

/// <summary>
/// Runs the actions for each trigger on a background loop, in the order they were added (add the snapshot action
/// before the webhook action so the webhook can carry the snapshot's summary). Enqueuing never blocks: detection and
/// sampling go on whatever the actions do; when the small queue is full the trigger's actions are dropped and counted.
/// </summary>
public sealed class LeakActionRunner : IAsyncDisposable
{
    public const int QueueCapacity = 16;

    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);

    private readonly List<ILeakAction> _actions = [];
    private readonly AgentHealth _health;
    private readonly TimeSpan _actionTimeout;
    private readonly Channel<LeakTrigger> _queue = Channel.CreateBounded<LeakTrigger>(new BoundedChannelOptions(QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public LeakActionRunner(AgentHealth health, TimeSpan actionTimeout)
    {
        _health = health;
        _actionTimeout = actionTimeout;
    }

    public IReadOnlyList<ILeakAction> Actions => _actions;

    /// <summary>A line for the person watching: an action failed or was dropped.</summary>
    public event Action<string>? Message;

    /// <summary>Adds an action; actions run in the order added. Call before the first trigger.</summary>
    public void Add(ILeakAction action)
    {
        lock (_actions)
        {
            _actions.Add(action);
        }
    }

    public bool TryEnqueue(LeakTrigger trigger)
    {
        if (_actions.Count == 0)
        {
            return true;
        }

        lock (_actions)
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
                var incident = new LeakIncident(trigger);
                foreach (var action in _actions)
                {
                    await RunOneAsync(action, incident).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task RunOneAsync(ILeakAction action, LeakIncident incident)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        limit.CancelAfter(_actionTimeout);
        try
        {
            await action.RunAsync(incident, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            _health.Error($"leak_action_{action.Name}_failed");
            Message?.Invoke($"leakwatch: the {action.Name} action for rule '{incident.Trigger.Rule}' failed: {e.Message}");
        }
    }

    /// <summary>Lets queued actions finish for a short grace period, then cancels what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_actions)
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
