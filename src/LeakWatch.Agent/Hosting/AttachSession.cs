using System.Collections.Concurrent;
using System.Net;
using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Snapshots.EventPipe;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// One agent watching its targets end to end: for each target a <see cref="TargetWatcher"/> (counters and /proc
/// figures) plus the registered <see cref="TargetSource"/>s, all feeding the shared sinks (Prometheus exporter,
/// terminal store, rules). The targets come from the options: one process (the attach ends when it exits), every
/// process the agent can see (<c>--all</c>), or every runtime connecting to a diagnostic port; in the last two a
/// process that is gone has its series removed and the agent runs until stopped.
/// The CLI's commands stay thin by doing their work through this class.
/// </summary>
public sealed class AttachSession : IAsyncDisposable
{
    private readonly AttachOptions _options;
    private readonly TimeProvider _time;
    private readonly List<ISampleSink> _sinks;
    private readonly List<TargetSource> _targetSources = [];
    private readonly ConcurrentDictionary<string, WatchedTarget> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, bool> _ignoredPids = new();
    private readonly ConcurrentDictionary<int, AsyncOperationsSource> _asyncOperations = new();
    private readonly ConcurrentDictionary<int, Core.Stacks.StackSnapshot> _snapshotsBeforeAsyncOperations = new();
    private volatile bool _ready;
    private volatile string? _unhealthyBecause;

    private sealed record WatchedTarget(TargetProcess Target, CancellationTokenSource Stop, Task Run);

    public AttachSession(AttachOptions options, TimeProvider time)
    {
        var modes = (options.Target is null ? 0 : 1) + (options.AllProcesses ? 1 : 0) + (options.DiagnosticPort is null ? 0 : 1);
        if (modes != 1)
        {
            throw new ArgumentException("Exactly one of Target, AllProcesses and DiagnosticPort must be set.", nameof(options));
        }

        _options = options;
        _time = time;
        Exporter = new PrometheusExporter(options.Labels, Health);
        _sinks = [Exporter, Store];
        if (options.Target is not null)
        {
            _sinks.Add(new FirstSampleSink(() => _ready = true));
        }

        Snapshots = new SnapshotRecorder(new SnapshotService(time), options.Snapshots, Exporter.Registry, options.Labels, time);
        Snapshots.Taken += OnSnapshotTaken;
        Snapshots.PendingOperations = target => _asyncOperations.TryGetValue(target.Id, out var source) ? source.PendingByMethod() : null;
        if (options.Url is not null)
        {
            var snapshots = new SnapshotEndpoint(Snapshots, options.ApiKey is null ? null : new ApiKeyCheck(options.ApiKey), () => Targets, line => Message?.Invoke(line));
            Server = new MetricsServer(options.Url);
            Server.Map("GET", "/metrics", ServeMetricsAsync);
            Server.Map("POST", SnapshotEndpoint.Path, snapshots.HandleAsync);
            Server.Map("GET", "/healthz", ServeHealthAsync);
            Server.Map("GET", "/readyz", ServeReadinessAsync);
        }
    }

    public AgentHealth Health { get; } = new();

    public SeriesStore Store { get; } = new();

    public PrometheusExporter Exporter { get; }

    public MetricsServer? Server { get; }

    /// <summary>
    /// Stack snapshots of the targets. When a leak rule fires, call
    /// <c>Snapshots.OnTriggerAsync(target, ruleName, ct)</c> and print the returned summary's <c>Lines</c>.
    /// </summary>
    public SnapshotRecorder Snapshots { get; }

    /// <summary>The one target of a single-target attach; null with <c>--all</c> or <c>--diagnostic-port</c>.</summary>
    public TargetProcess? Target => _options.Target;

    /// <summary>The targets watched right now, by pid.</summary>
    public IReadOnlyList<TargetProcess> Targets =>
        _options.Target is { } single ? [single] : _watched.Values.Select(w => w.Target).OrderBy(t => t.Pid).ToList();

    /// <summary>
    /// The async-operations signal of the single target while it runs (null when off, or with several targets): a heap
    /// snapshot can recalibrate its tracker.
    /// </summary>
    public AsyncOperationsSource? AsyncOperations =>
        _options.Target is { } single && _asyncOperations.TryGetValue(single.Pid, out var source) ? source : null;

    /// <summary>/readyz: the single target's session delivers samples, or the discovery / accept loop runs.</summary>
    public bool IsReady => _ready;

    /// <summary>Lines for the person watching: targets found and gone, warnings from their metrics sources.</summary>
    public event Action<string>? Message;

    /// <summary>A target is being watched from now on (rules may set up per-target state).</summary>
    public event Action<TargetProcess>? TargetStarted;

    /// <summary>A target is gone and its series were removed (rules should drop their per-target state).</summary>
    public event Action<TargetProcess>? TargetStopped;

    /// <summary>Adds a consumer of every sample of every target (leak rules, for example). Call before <see cref="RunAsync"/>.</summary>
    public void AddSink(ISampleSink sink) => _sinks.Add(sink);

    /// <summary>Adds something started per target beside its counters. Call before <see cref="RunAsync"/>.</summary>
    public void AddTargetSource(TargetSource source) => _targetSources.Add(source);

    /// <summary>Starts serving /metrics; throws a user-facing error when the address is taken.</summary>
    public void StartServer() => Server?.Start();

    public async Task<AttachOutcome> RunAsync(CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (_options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var sink = new SampleFanout(_sinks.ToList());
        try
        {
            if (_options.Target is { } target)
            {
                await WatchAsync(target, new DiagnosticsClient(target.Pid), isAlive: null, readProc: true, sink, stop.Token).ConfigureAwait(false);
                Forget(target);
                return AttachOutcome.TargetExited;
            }

            await (_options.AllProcesses ? DiscoverAsync(sink, stop.Token) : ListenAsync(_options.DiagnosticPort!, sink, stop.Token)).ConfigureAwait(false);
            return AttachOutcome.Stopped;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return cancellation.IsCancellationRequested ? AttachOutcome.Stopped : AttachOutcome.DurationElapsed;
        }
        catch (Exception e) when (_options.Target is null)
        {
            _unhealthyBecause = $"{e.GetType().Name}: {e.Message}";
            throw;
        }
        finally
        {
            await StopWatchingAllAsync().ConfigureAwait(false);
        }
    }

    /// <summary><c>--all</c>: lists the processes every <see cref="AttachOptions.DiscoveryInterval"/>, watches new ones.</summary>
    private async Task DiscoverAsync(ISampleSink sink, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(_options.DiscoveryInterval, _time);
        _ready = true;
        do
        {
            var containers = ContainerTargets.Find(); // other containers' sockets, under /proc/PID/root (node agent)
            var pids = TargetResolver.ListAttachablePids().Union(containers.Keys).ToList();
            foreach (var pid in _ignoredPids.Keys.Except(pids).ToList())
            {
                _ignoredPids.TryRemove(pid, out _);
            }

            foreach (var pid in pids.Where(p => !_watched.ContainsKey(PidKey(p)) && !_ignoredPids.ContainsKey(p)))
            {
                if (ProcFs.Age(pid) < AttachDefaults.ListenStartupDelay)
                {
                    continue; // too young to enable event sources safely; the next round picks it up
                }

                var target = ContainerTargets.Describe(pid, containers);
                if (_options.NameFilter is { } name && !TargetResolver.Matches(target, name))
                {
                    _ignoredPids[pid] = true;
                    continue;
                }

                StartWatching(PidKey(pid), target, EventPipeSnapshots.ClientFor(target), isAlive: null, readProc: true, sink, onGone: null, cancellation);
                ContainerTargets.Announce(sink, target, _time.GetUtcNow());
            }
        }
        while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false));
    }

    /// <summary><c>--diagnostic-port</c>: accepts every runtime that connects, again after each restart.</summary>
    private async Task ListenAsync(string path, ISampleSink sink, CancellationToken cancellation)
    {
        await using var listener = DiagnosticPortListener.Start(path);
        Message?.Invoke($"Listening on {path}: start apps with DOTNET_DiagnosticPorts={path},nosuspend");
        _ready = true;
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync(cancellation).ConfigureAwait(false);
                var target = await Task.Run(() => DescribeConnection(connection), cancellation).ConfigureAwait(false);
                await Task.Run(() => ResumeIfSuspended(connection, target.Target), cancellation).ConfigureAwait(false);
                StartWatching(
                    $"cookie:{connection.RuntimeInstanceCookie:N}",
                    target.Target,
                    connection.Client,
                    token => connection.IsConnectedAsync(AttachDefaults.ReconnectTimeout, token),
                    target.ProcVisible,
                    sink,
                    () => listener.Remove(connection),
                    cancellation,
                    AttachDefaults.ListenStartupDelay);
            }
        }
        finally
        {
            await StopWatchingAllAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Name and runtime from the runtime's own ProcessInfo. Its pid is the one in its pid namespace: /proc/PID is read
    /// only when it shows the same command line (same namespace, or a shared one), otherwise the OS series are absent.
    /// </summary>
    private static (TargetProcess Target, bool ProcVisible) DescribeConnection(DiagnosticPortConnection connection)
    {
        var pid = connection.ProcessId;
        var info = RuntimeVersionProbe.ReadProcessInfo(connection.Client);
        var commandLine = info?.CommandLine ?? "";
        var name = info?.EntryAssembly
                   ?? TargetResolver.NameFromArguments(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                   ?? $"pid-{pid}";
        var procVisible = pid != Environment.ProcessId && IsSameProcess(ProcFs.Arguments(pid), name);
        var version = info?.RuntimeVersion ?? (procVisible ? RuntimeVersionProbe.FromMappedCoreLib(pid) : null);
        var reached = new TargetConnection(connection.Client, procVisible, connection.RuntimeInstanceCookie);
        return (new TargetProcess(pid, name, commandLine, version) { Connection = reached }, procVisible);
    }

    /// <summary>
    /// An app started with DOTNET_DiagnosticPorts=PATH without ",nosuspend" waits at startup until a tool resumes it.
    /// Resuming a runtime that is not waiting does nothing, so every connecting runtime is told to go on.
    /// </summary>
    private void ResumeIfSuspended(DiagnosticPortConnection connection, TargetProcess target)
    {
        try
        {
            connection.Client.ResumeRuntime();
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException or IOException or TimeoutException)
        {
            Health.Error("resume_failed");
            Message?.Invoke($"{target.Pid} ({target.Name}): could not resume its startup: {e.Message}");
        }
    }

    /// <summary>
    /// /proc/PID shows the connected runtime when its entry assembly is the one the runtime named. In another pid
    /// namespace PID is some other process of ours (or nothing), which has another name.
    /// </summary>
    private static bool IsSameProcess(string[]? procArguments, string name) =>
        procArguments is not null && string.Equals(TargetResolver.NameFromArguments(procArguments), name, StringComparison.OrdinalIgnoreCase);

    private void StartWatching(
        string key,
        TargetProcess target,
        DiagnosticsClient client,
        Func<CancellationToken, Task<bool>>? isAlive,
        bool readProc,
        ISampleSink sink,
        Action? onGone,
        CancellationToken cancellation,
        TimeSpan startDelay = default)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(async () =>
        {
            await started.Task.ConfigureAwait(false);
            try
            {
                Message?.Invoke($"Watching {Describe(target)}.");
                if (startDelay > TimeSpan.Zero)
                {
                    await Task.Delay(startDelay, _time, stop.Token).ConfigureAwait(false);
                }

                await WatchAsync(target, client, isAlive, readProc, sink, stop.Token).ConfigureAwait(false);
                Message?.Invoke($"Process {target.Pid} ({target.Name}) exited.");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (LeakWatchException e)
            {
                // Not attachable (permission, too old a runtime): say so once and leave it alone until it is gone.
                Message?.Invoke($"Not watching {target.Pid} ({target.Name}): {e.Message}");
                _ignoredPids[target.Pid] = true;
            }
            catch (Exception e)
            {
                // A runtime that dies mid-event leaves a truncated stream behind: that is an exit, not an error.
                if (await IsAliveAsync(isAlive, target, CancellationToken.None).ConfigureAwait(false))
                {
                    Health.Error("watch_failed");
                    Message?.Invoke($"Stopped watching {target.Pid} ({target.Name}) after an error: {e.GetType().Name}: {e.Message}");
                }
                else
                {
                    Message?.Invoke($"Process {target.Pid} ({target.Name}) exited.");
                }
            }
            finally
            {
                _watched.TryRemove(key, out _);
                if (!stop.IsCancellationRequested)
                {
                    Forget(target);
                    onGone?.Invoke();
                }
            }
        }, CancellationToken.None);
        _watched[key] = new WatchedTarget(target, stop, run);
        started.SetResult();
    }

    private static async Task<bool> IsAliveAsync(Func<CancellationToken, Task<bool>>? isAlive, TargetProcess target, CancellationToken cancellation) =>
        isAlive is null ? TargetResolver.ProcessExists(target.Pid) : await isAlive(cancellation).ConfigureAwait(false);

    private async Task WatchAsync(TargetProcess target, DiagnosticsClient client, Func<CancellationToken, Task<bool>>? isAlive, bool readProc, ISampleSink sink, CancellationToken cancellation)
    {
        TargetStarted?.Invoke(target);
        using var stopSources = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var sources = _targetSources.Select(source => RunTargetSourceAsync(source, target, client, sink, stopSources.Token)).ToList();
        sources.Add(RunAsyncOperationsAsync(target, client, sink, stopSources.Token));
        if (!readProc)
        {
            Message?.Invoke(ProcAbsence.Line(target));
            sources.Add(RunTargetSourceAsync(ProcAbsence.ThreadCount(_options.Counters.Interval, Health, _time, line => Message?.Invoke(line)), target, client, sink, stopSources.Token));
        }
        if (_options.Snapshots.Baseline)
        {
            sources.Add(TakeBaselineAsync(target, stopSources.Token));
        }

        var watcher = new TargetWatcher(target, client, _options.Counters, Health, _time, isAlive, readProc);
        var prefix = _options.Target is null ? $"{target.Pid} ({target.Name}): " : "";
        watcher.Warning += line => Message?.Invoke(prefix + line);
        try
        {
            await watcher.RunAsync(sink, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await stopSources.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sources).ConfigureAwait(false);
        }
    }

    private async Task RunTargetSourceAsync(TargetSource source, TargetProcess target, DiagnosticsClient client, ISampleSink sink, CancellationToken cancellation)
    {
        try
        {
            await source(target, client, sink, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // One source failing must not stop the counters of its target.
            Health.Error("target_source_failed");
            Message?.Invoke($"{target.Pid} ({target.Name}): {e.Message}");
        }
    }

    /// <summary>The async-operations signal runs beside the counters of each target; its failures never end the watch.</summary>
    private async Task RunAsyncOperationsAsync(TargetProcess target, DiagnosticsClient client, ISampleSink sink, CancellationToken cancellation)
    {
        if (!_options.AsyncOperations.Enabled)
        {
            return;
        }

        var source = new AsyncOperationsSource(target, client, _options.AsyncOperations with { Interval = _options.Counters.Interval }, Health, _time);
        var prefix = _options.Target is null ? $"{target.Pid} ({target.Name}): " : "";
        source.Warning += line => Message?.Invoke(prefix + line);
        if (_snapshotsBeforeAsyncOperations.TryRemove(target.Id, out var baseline))
        {
            source.Calibrate(baseline); // a baseline snapshot taken at attach: counts start from the absolute figures
        }

        _asyncOperations[target.Id] = source;
        try
        {
            await source.RunAsync(sink, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _asyncOperations.TryRemove(target.Id, out _);
        }
    }

    private void OnSnapshotTaken(TargetProcess target, Core.Stacks.StackSnapshot snapshot)
    {
        if (_asyncOperations.TryGetValue(target.Id, out var source))
        {
            source.Calibrate(snapshot);
        }
        else
        {
            _snapshotsBeforeAsyncOperations[target.Id] = snapshot;
        }
    }

    private async Task TakeBaselineAsync(TargetProcess target, CancellationToken cancellation)
    {
        try
        {
            var baseline = await Snapshots.TakeBaselineAsync(target, cancellation).ConfigureAwait(false);
            foreach (var line in baseline.Lines)
            {
                Message?.Invoke(line);
            }
        }
        catch (LeakWatchException e)
        {
            // Counters are still worth watching without a baseline; triggered snapshots report their own errors.
            Message?.Invoke($"Baseline snapshot failed: {e.Message}");
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    /// <summary>A process that is gone: its series leave /metrics and the terminal, so dashboards do not show it frozen.</summary>
    private void Forget(TargetProcess target)
    {
        Exporter.RemoveTarget(target);
        Store.RemoveTarget(target.Id);
        Snapshots.ForgetTarget(target);
        _snapshotsBeforeAsyncOperations.TryRemove(target.Id, out _);
        TargetStopped?.Invoke(target);
    }

    private async Task StopWatchingAllAsync()
    {
        var watched = _watched.Values.ToList();
        foreach (var target in watched)
        {
            await target.Stop.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(watched.Select(w => w.Run)).ConfigureAwait(false);
        foreach (var target in watched)
        {
            target.Stop.Dispose();
        }
    }

    private static string PidKey(int pid) => $"pid:{pid}";

    private static string Describe(TargetProcess target) =>
        $"{target.Name} (pid {target.Pid}, {(target.RuntimeVersion is { } version ? $".NET {version.ToString(3)}" : ".NET (version unknown)")})";

    private Task ServeMetricsAsync(HttpListenerContext context, CancellationToken cancellation)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return Exporter.WriteAsync(context.Response.OutputStream, cancellation);
    }

    private Task ServeHealthAsync(HttpListenerContext context, CancellationToken cancellation) =>
        _unhealthyBecause is { } because
            ? MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.ServiceUnavailable, $"unhealthy: {because}\n", cancellation)
            : MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, "ok\n", cancellation);

    private Task ServeReadinessAsync(HttpListenerContext context, CancellationToken cancellation) =>
        _ready
            ? MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, "ready\n", cancellation)
            : MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.ServiceUnavailable, "starting\n", cancellation);

    public async ValueTask DisposeAsync()
    {
        Snapshots.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
