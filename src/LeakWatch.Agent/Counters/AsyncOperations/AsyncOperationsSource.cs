using System.Diagnostics.Tracing;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Async;
using LeakWatch.Core.Samples;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>
/// Counts a target's pending async operations per method, live, from TplEventSource's causality events
/// (TraceOperationBegin when an async method first suspends, TraceOperationEnd when it finishes), over an EventPipe
/// session of its own: a large buffer, no stack walks (they would cost the target more than the events themselves),
/// and no interference with the counter session. Counts start at attach and start again, said so, whenever events
/// may have been missed (lost events, a new session).
/// </summary>
public sealed class AsyncOperationsSource
{
    public const string Provider = "System.Threading.Tasks.TplEventSource";

    private const long AsyncCausalityOperationKeyword = 0x8;
    private const long AsyncMethodKeyword = 0x100;
    private const int TraceOperationBeginId = 14;
    private const int TraceOperationEndId = 15;
    private const int IncompleteAsyncMethodId = 27;

    private readonly TargetConnection _connection;
    private readonly TargetProcess _target;
    private readonly IntervalClock _clock;
    private readonly DiagnosticsClient _client;
    private readonly AsyncOperationsOptions _options;
    private readonly AgentHealth _health;
    private readonly TimeProvider _time;
    private readonly AsyncOperationTracker _tracker;
    private readonly AsyncOperationsReporter _reporter;
    private readonly HashSet<(string Name, LabelSet Labels)> _published = [];
    private readonly RepeatedResets _lostEventResets = new(AsyncOperationsDefaults.ResetsBeforeBackOff, AsyncOperationsDefaults.BackOffWindow);
    private StackAttributionSession? _stackAttribution;
    private RuntimeAsyncWaits? _runtimeAsyncWaits;
    private bool _stackAttributionRefused;
    private DateTimeOffset _stackAttributionResumeAfter = DateTimeOffset.MinValue;
    private (long Generation, long Started, DateTimeOffset At)? _previousTick;

    public AsyncOperationsSource(TargetConnection connection, AsyncOperationsOptions options, IntervalClock clock, AgentHealth health, TimeProvider time)
    {
        _connection = connection;
        _target = connection.Process;
        _client = connection.Client;
        _clock = clock;
        _options = options;
        _health = health;
        _time = time;
        // A pid from another namespace names another process's files here: ask the runtime for the names instead.
        Namer = new AsyncOperationNamer(_target.Pid, time, connection.ProcVisible ? null : token => Snapshots.EventPipe.RundownTypeNames.ReadStateMachinesAsync(_target, _client, token));
        _tracker = new AsyncOperationTracker(options.Tracking, time.GetUtcNow());
        _reporter = new AsyncOperationsReporter(options.Tracking, Namer.DisplayName, reportDropped: options.TrackCollected);
    }

    /// <summary>Lines for the person watching: unsupported runtime, resets, back-off.</summary>
    public event Action<string>? Warning;

    public AsyncOperationNamer Namer { get; }

    /// <summary>Recalibrates the counts from a heap snapshot (<see cref="SnapshotCalibration"/>).</summary>
    public void Calibrate(Core.Stacks.StackSnapshot snapshot)
    {
        if (SnapshotCalibration.Apply(snapshot, _tracker, Namer) is > 0 and var calibrated)
        {
            Warning?.Invoke($"Async operation counts recalibrated from the snapshot of {snapshot.TakenAt:HH:mm:ss}: {calibrated} methods now include operations that began before attach.");
        }
    }

    /// <summary>Methods collected unfinished since tracking (re)started, by display name, most first.</summary>
    public IReadOnlyList<Core.Stacks.DroppedAsyncMethod> DroppedMethods() => ByMethod(m => m.Dropped, (method, n) => new Core.Stacks.DroppedAsyncMethod(method, n));

    /// <summary>The live pending counts per method, largest first: what a snapshot without async chains reports.</summary>
    public IReadOnlyList<Core.Stacks.PendingOperationCount> PendingByMethod() => ByMethod(m => m.Pending, (method, n) => new Core.Stacks.PendingOperationCount(method, n));

    private List<T> ByMethod<T>(Func<AsyncMethodCount, long> count, Func<string, long, T> create) =>
        _tracker.Snapshot().Methods.Where(m => count(m) > 0)
            .GroupBy(m => Namer.DisplayName(m.Key), StringComparer.Ordinal)
            .Select(g => (Method: g.Key, Count: g.Sum(count)))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Method, StringComparer.Ordinal)
            .Select(g => create(g.Method, g.Count)).ToList();

    /// <summary>Why the signal cannot work for this target, or null when it can.</summary>
    public static string? Unsupported(TargetProcess target) =>
        target.RuntimeVersion is { } version && version.Major < AsyncOperationsDefaults.MinimumRuntimeMajor
            ? $"Async operation counts are not available for .NET {version.ToString(2)}: they need .NET {AsyncOperationsDefaults.MinimumRuntimeMajor} or later, " +
              "whose EventPipe can leave out stack walks (with them the target would pay several times the cost). " +
              "leakwatch_async_operations_* stay absent for this process."
            : null;

    /// <summary>Runs until the target exits or <paramref name="cancellation"/> fires; never throws for the target's sake.</summary>
    public async Task RunAsync(ISampleSink sink, CancellationToken cancellation)
    {
        if (Unsupported(_target) is { } reason)
        {
            Warning?.Invoke(reason);
            return;
        }

        _runtimeAsyncWaits = RuntimeAsyncWaits.For(_target, _client.GetProcessEnvironment, _tracker, _options.Tracking.MaxTrackedOperations, Warning);
        try
        {
            await SessionLoop.RunAsync(
                async (first, token) =>
                {
                    if (!first)
                    {
                        _tracker.Reset(TrackingResetReason.Reconnect, _time.GetUtcNow());
                        Warning?.Invoke($"Async operation counts restarted at {_time.GetUtcNow():HH:mm:ss}: the event session was reconnected and operations that ended meanwhile were missed.");
                    }

                    return await RunSessionAsync(sink, first, token).ConfigureAwait(false);
                },
                _connection.IsAliveAsync,
                _health,
                _time,
                cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        finally
        {
            await StopStackAttributionAsync().ConfigureAwait(false);
            EndPublishedSeries(sink);
        }
    }

    private async Task<SessionEnd> RunSessionAsync(ISampleSink sink, bool first, CancellationToken cancellation)
    {
        EventPipeSession session;
        try
        {
            session = await _client.StartEventPipeSessionAsync(
                new EventPipeSessionConfiguration(Providers(), _options.BufferSizeMB, requestRundown: false, requestStackwalk: false),
                cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (TargetResolver.Explain(e, _target) is { ExitCode: ExitCode.TargetExited })
            {
                return SessionEnd.Stop;
            }

            if (first && e is UnsupportedCommandException or ServerErrorException)
            {
                // A runtime older than .NET 9 whose version could not be read: it refuses sessions without stack walks.
                Warning?.Invoke("Async operation counts are not available for this process: its runtime refused an EventPipe session " +
                                $"without stack walks (.NET {AsyncOperationsDefaults.MinimumRuntimeMajor}+ needed). leakwatch_async_operations_* stay absent.");
                return SessionEnd.Stop;
            }

            _health.Error("async_session_failed");
            return SessionEnd.Restart;
        }

        using (session)
        using (var source = SessionLoop.OpenEvents(session))
        {
            source.Dynamic.All += Dispatch;
            var processing = Task.Factory.StartNew(() => source.Process(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var outcome = SessionEnd.Restart;
            try
            {
                outcome = await ReportUntilEndAsync(source, processing, sink, cancellation).ConfigureAwait(false);
            }
            finally
            {
                SessionLoop.StopQuietly(session);
                await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            }

            return outcome;
        }
    }

    private List<EventPipeProvider> Providers() =>
    [
        new(Provider, RuntimeAsyncWaits.Level(_runtimeAsyncWaits), AsyncCausalityOperationKeyword | RuntimeAsyncWaits.Keywords(_runtimeAsyncWaits) | (_options.TrackCollected ? AsyncMethodKeyword : 0)),
    ];

    private async Task<SessionEnd> ReportUntilEndAsync(EventPipeEventSource source, Task processing, ISampleSink sink, CancellationToken cancellation)
    {
        var eventsLost = 0;
        while (!processing.IsCompleted)
        {
            var tick = _clock.WaitForNextTickAsync(cancellation);
            await Task.WhenAny(tick, processing).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();

            var lost = source.EventsLost;
            if (lost > eventsLost)
            {
                var now = _time.GetUtcNow();
                _tracker.Reset(TrackingResetReason.EventsLost, now);
                _health.Error("async_events_lost");
                if (_lostEventResets.TooMany(now))
                {
                    Warning?.Invoke($"Async operation counts stopped: the target lost events {AsyncOperationsDefaults.ResetsBeforeBackOff} times within " +
                                    $"{AsyncOperationsDefaults.BackOffWindow.TotalSeconds:0} s ({lost} events so far), too many async operations for a " +
                                    $"{_options.BufferSizeMB} MB buffer. The series are removed rather than shown wrong; a larger buffer may help.");
                    return SessionEnd.Stop;
                }

                Warning?.Invoke($"Async operation counts restarted at {now:HH:mm:ss}: the target dropped {lost - eventsLost} async events " +
                                "(its EventPipe buffer was full), so some begins or ends were missed.");
                eventsLost = lost;
            }

            Namer.RefreshIfNeeded();
            if (!Namer.HasScanned)
            {
                continue; // series named by bare state machines now would be renamed, ended and replaced a few ticks later
            }

            var snapshot = _tracker.Snapshot();
            await AttributeSameNamedMethodsAsync(snapshot).ConfigureAwait(false);
            Publish(sink, snapshot);
        }

        return SessionEnd.Restart;
    }

    /// <summary>
    /// Runs the stack-walked side session while same-named state machines are pending and operations begin slowly
    /// enough for stack walks to be cheap; stops it when the rate climbs.
    /// </summary>
    private async Task AttributeSameNamedMethodsAsync(AsyncTrackingSnapshot snapshot)
    {
        var started = snapshot.Methods.Sum(m => m.Started);
        var now = _time.GetUtcNow();
        double? beginsPerSecond = _previousTick is { } previous && previous.Generation == snapshot.Generation && now > previous.At
            ? (started - previous.Started) / (now - previous.At).TotalSeconds
            : null;
        _previousTick = (snapshot.Generation, started, now);
        if (beginsPerSecond is not { } rate || _stackAttributionRefused || !_options.StackAttribution)
        {
            return;
        }

        var running = _stackAttribution?.IsRunning == true;
        if (running && rate > AsyncOperationsDefaults.StackAttributionMaxBeginsPerSecond)
        {
            await StopStackAttributionAsync().ConfigureAwait(false);
            _stackAttributionResumeAfter = now + AsyncOperationsDefaults.StackAttributionPause;
            Warning?.Invoke($"Same-named async methods are reported together again: {rate:0} operations/s begin, too many to walk their stacks cheaply.");
            return;
        }

        if (running || rate > AsyncOperationsDefaults.StackAttributionMaxBeginsPerSecond || now < _stackAttributionResumeAfter)
        {
            return;
        }

        var ambiguous = snapshot.Methods.Where(m => m.Pending > 0 && Namer.IsAmbiguous(m.Key)).Select(m => Namer.DisplayName(m.Key)).ToList();
        if (ambiguous.Count == 0)
        {
            return;
        }

        await Task.Yield(); // starting a session waits on the target: not on the interval clock's thread
        _stackAttribution = new StackAttributionSession(_client, _tracker, Namer.IsAmbiguous, _health);
        if (!_stackAttribution.Start())
        {
            _stackAttributionRefused = true;
            _stackAttribution = null;
            Warning?.Invoke($"Same-named async methods ({string.Join(", ", ambiguous)}) are reported together: the target refused a stack-walked session to tell them apart.");
            return;
        }

        Warning?.Invoke($"Telling apart same-named async methods ({string.Join(", ", ambiguous)}) from the stacks of new operations, " +
                        $"while fewer than {AsyncOperationsDefaults.StackAttributionMaxBeginsPerSecond} operations/s begin; those that began earlier stay reported together.");
    }

    private async Task StopStackAttributionAsync()
    {
        if (_stackAttribution is not null)
        {
            await _stackAttribution.StopAsync().ConfigureAwait(false);
            _stackAttribution = null;
        }
    }

    private void Publish(ISampleSink sink, AsyncTrackingSnapshot snapshot)
    {
        var report = _reporter.Report(snapshot, _time.GetUtcNow());
        foreach (var (name, labels) in report.EndedSeries)
        {
            _published.Remove((name, labels));
            sink.OnSeriesEnded(_target, name, labels);
        }

        foreach (var sample in report.Samples)
        {
            _published.Add((sample.Name, sample.Labels));
            sink.OnSample(_target, sample);
        }
    }

    private void EndPublishedSeries(ISampleSink sink)
    {
        foreach (var (name, labels) in _published)
        {
            sink.OnSeriesEnded(_target, name, labels);
        }

        _published.Clear();
    }

    private void Dispatch(TraceEvent traceEvent)
    {
        if (traceEvent.ProviderName != Provider)
        {
            return;
        }

        _health.EventReceived();
        try
        {
            switch ((int)traceEvent.ID)
            {
                case TraceOperationBeginId:
                    var key = AsyncMethodNaming.TypeNameOf((string)traceEvent.PayloadValue(1));
                    _tracker.Began(Convert.ToInt64(traceEvent.PayloadValue(0), System.Globalization.CultureInfo.InvariantCulture), key,
                        new DateTimeOffset(traceEvent.TimeStamp.ToUniversalTime(), TimeSpan.Zero));
                    break;
                case TraceOperationEndId:
                    _tracker.Ended(Convert.ToInt64(traceEvent.PayloadValue(0), System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case RuntimeAsyncWaits.TaskWaitBeginId or RuntimeAsyncWaits.TaskWaitEndId:
                    _runtimeAsyncWaits?.OnEvent(traceEvent);
                    break;
                case IncompleteAsyncMethodId:
                    var fullName = AsyncMethodNaming.FullTypeNameFromDescription((string)traceEvent.PayloadValue(0));
                    _tracker.Dropped(fullName, AsyncMethodNaming.BareTypeName(fullName));
                    break;
            }
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or IndexOutOfRangeException or NullReferenceException)
        {
            _health.Error("event_parse");
        }
    }
}
