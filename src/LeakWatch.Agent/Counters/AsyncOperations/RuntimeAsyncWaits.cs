using System.Diagnostics.Tracing;
using System.Globalization;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Async;
using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Tracing;

namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>
/// Counts pending runtime-async work in the live count, under one name, <see cref="RuntimeAsyncNaming.LiveCountName"/>.
/// Runtime async (.NET 11's model; .NET 10 with DOTNET_RuntimeAsync=1) emits no TraceOperationBegin: a suspending
/// chain shows only as TplEventSource's TaskWaitBegin (Tasks keyword 0x2, Informational; TaskID = the awaited task,
/// ContinueWithTaskID = the chain's task, Behavior 2 = asynchronous), and its resumption as TaskWaitEnd (Verbose, same
/// TaskID). A wait begun and not ended is one suspended chain. Events do not say which method waits: the heap
/// snapshot names them (docs/snapshots.md). State-machine awaits emit the same events with the box as
/// ContinueWithTaskID; the box had its TraceOperationBegin, so those are left to the per-method count.
/// Verified on .NET 10.0 (docs/metrics.md); called only from the session's event thread.
/// </summary>
internal sealed class RuntimeAsyncWaits(AsyncOperationTracker tracker, int maxWaits)
{
    public const int TaskWaitBeginId = 10;
    public const int TaskWaitEndId = 11;

    /// <summary>TplEventSource's Tasks keyword, which carries TaskWaitBegin/End.</summary>
    public const long TasksKeyword = 0x2;

    /// <summary>What the person watching is told once when counting starts.</summary>
    public static readonly string Notice =
        $"This process runs runtime-async code, which has no state machines: its pending async waits are counted as {RuntimeAsyncNaming.LiveCountName}, and snapshots name the methods.";

    private const int AsynchronousBehavior = 2;
    private const string RuntimeAsyncSwitch = "DOTNET_RuntimeAsync";

    // Awaited task id → the chains (their task ids) waiting for it; chain id → the awaited task id.
    private readonly Dictionary<long, List<long>> _waitersByAwaited = [];
    private readonly Dictionary<long, long> _awaitedByChain = [];
    private long _nextAnonymousChain = -1;

    /// <summary>
    /// Whether the target runs runtime-async code: .NET 10 only with DOTNET_RuntimeAsync=1 (read from the target's
    /// environment over the diagnostics port), .NET 11 and later always (its libraries are compiled so; assumed, not
    /// yet verified). Other targets get no Tasks keyword, so their event volume and count are unchanged.
    /// </summary>
    public static bool AppliesTo(TargetProcess target, Func<IReadOnlyDictionary<string, string>> environment)
    {
        if (target.RuntimeVersion is { Major: >= 11 })
        {
            return true;
        }

        try
        {
            return environment().TryGetValue(RuntimeAsyncSwitch, out var value) && value.Trim() is "1" or "true";
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException or UnauthorizedAccessException
                                      or Microsoft.Diagnostics.NETCore.Client.DiagnosticsClientException)
        {
            return false;
        }
    }

    /// <summary>The counter for a target that runs runtime-async code (told to the person watching), else null.</summary>
    public static RuntimeAsyncWaits? For(
        TargetProcess target, Func<IReadOnlyDictionary<string, string>> environment, AsyncOperationTracker tracker, int maxWaits, Action<string>? warning)
    {
        if (!AppliesTo(target, environment))
        {
            return null;
        }

        warning?.Invoke(Notice);
        return new RuntimeAsyncWaits(tracker, maxWaits);
    }

    /// <summary>TaskWaitEnd is Verbose: with runtime async the provider is enabled at Verbose, otherwise at Informational.</summary>
    public static EventLevel Level(RuntimeAsyncWaits? waits) => waits is null ? EventLevel.Informational : EventLevel.Verbose;

    /// <summary>The Tasks keyword with runtime async only, so other targets' event volume is unchanged.</summary>
    public static long Keywords(RuntimeAsyncWaits? waits) => waits is null ? 0 : TasksKeyword;

    /// <summary>Number of waits pending (begun, not ended) since counting started.</summary>
    public int Pending => _awaitedByChain.Count;

    /// <summary>Reads a TaskWaitBegin or TaskWaitEnd event by its payload names.</summary>
    public void OnEvent(TraceEvent traceEvent)
    {
        var awaited = Convert.ToInt64(traceEvent.PayloadByName("TaskID"), CultureInfo.InvariantCulture);
        if ((int)traceEvent.ID == TaskWaitEndId)
        {
            Ended(awaited);
            return;
        }

        Began(
            awaited,
            Convert.ToInt32(traceEvent.PayloadByName("Behavior"), CultureInfo.InvariantCulture),
            Convert.ToInt64(traceEvent.PayloadByName("ContinueWithTaskID"), CultureInfo.InvariantCulture),
            new DateTimeOffset(traceEvent.TimeStamp.ToUniversalTime(), TimeSpan.Zero));
    }

    public void Began(long awaitedTask, int behavior, long chainTask, DateTimeOffset at)
    {
        if (behavior != AsynchronousBehavior)
        {
            return; // Task.Wait() and friends: a blocked thread, not a suspended chain
        }

        if (chainTask != 0 && tracker.IsPending(chainTask) && !_awaitedByChain.ContainsKey(chainTask))
        {
            return; // a state machine's box: its method is counted by name already
        }

        if (_awaitedByChain.Count >= maxWaits)
        {
            // Bounded agent memory: the tracker resets at the same limit (it says so), and so do the waits.
            _waitersByAwaited.Clear();
            _awaitedByChain.Clear();
        }

        var chain = chainTask != 0 ? chainTask : _nextAnonymousChain--;
        if (_awaitedByChain.Remove(chain, out var previous))
        {
            Forget(previous, chain); // the chain waits again: its earlier wait ended unseen
        }

        if (!_waitersByAwaited.TryGetValue(awaitedTask, out var waiters))
        {
            waiters = new List<long>(1);
            _waitersByAwaited[awaitedTask] = waiters;
        }

        waiters.Add(chain);
        _awaitedByChain[chain] = awaitedTask;
        tracker.Began(chain, RuntimeAsyncNaming.LiveCountName, at);
    }

    /// <summary>A wait for <paramref name="awaitedTask"/> ended: the chain that waited longest resumes.</summary>
    public void Ended(long awaitedTask)
    {
        if (!_waitersByAwaited.TryGetValue(awaitedTask, out var waiters) || waiters.Count == 0)
        {
            return; // began before counting, or a state machine's wait
        }

        var chain = waiters[0];
        waiters.RemoveAt(0);
        if (waiters.Count == 0)
        {
            _waitersByAwaited.Remove(awaitedTask);
        }

        _awaitedByChain.Remove(chain);
        tracker.Ended(chain);
    }

    private void Forget(long awaitedTask, long chain)
    {
        if (_waitersByAwaited.TryGetValue(awaitedTask, out var waiters) && waiters.Remove(chain) && waiters.Count == 0)
        {
            _waitersByAwaited.Remove(awaitedTask);
        }
    }
}
