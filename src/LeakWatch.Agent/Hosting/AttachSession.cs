using System.Net;
using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// One attached target, wired end to end: counters and /proc figures flow to the Prometheus exporter and to the
/// series store the terminal view reads. The CLI's commands stay thin by doing their work through this class.
/// </summary>
public sealed class AttachSession : IAsyncDisposable
{
    private readonly AttachOptions _options;
    private readonly TimeProvider _time;
    private readonly List<ISampleSink> _sinks;
    private Core.Stacks.StackSnapshot? _snapshotBeforeAsyncOperations;

    public AttachSession(AttachOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        Exporter = new PrometheusExporter(options.Labels, Health);
        _sinks = [Exporter, Store];
        Snapshots = new SnapshotRecorder(new SnapshotService(time), options.Snapshots, Exporter.Registry, options.Labels, time);
        Snapshots.Taken += OnSnapshotTaken;
        if (options.Url is not null)
        {
            Server = new MetricsServer(options.Url);
            Server.Map("GET", "/metrics", ServeMetricsAsync);
            Server.Map("POST", "/snapshot", ServeSnapshotAsync);
            Server.Map("GET", "/healthz", (context, cancellation) => MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, "ok\n", cancellation));
        }
    }

    public AgentHealth Health { get; } = new();

    public SeriesStore Store { get; } = new();

    public PrometheusExporter Exporter { get; }

    public MetricsServer? Server { get; }

    /// <summary>
    /// Stack snapshots of the target. When a leak rule fires, call
    /// <c>Snapshots.OnTriggerAsync(Target, ruleName, ct)</c> and print the returned summary's <c>Lines</c>.
    /// </summary>
    public SnapshotRecorder Snapshots { get; }

    public TargetProcess Target => _options.Target;

    /// <summary>The async-operations signal while it runs (null when off): a heap snapshot can recalibrate its tracker.</summary>
    public AsyncOperationsSource? AsyncOperations { get; private set; }

    /// <summary>Lines for the person watching: warnings from the target's metrics source, restarts.</summary>
    public event Action<string>? Message;

    /// <summary>Adds a consumer of every sample (leak rules, for example). Call before <see cref="RunAsync"/>.</summary>
    public void AddSink(ISampleSink sink) => _sinks.Add(sink);

    /// <summary>Starts serving /metrics; throws a user-facing error when the address is taken.</summary>
    public void StartServer() => Server?.Start();

    public async Task<AttachOutcome> RunAsync(CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (_options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var client = new DiagnosticsClient(Target.Pid);
        var watcher = new TargetWatcher(Target, client, _options.Counters, Health, _time);
        watcher.Warning += line => Message?.Invoke(line);
        var fanout = new SampleFanout(_sinks);
        using var stopAsyncOperations = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var asyncOperations = RunAsyncOperationsAsync(client, fanout, stopAsyncOperations.Token);
        try
        {
            await watcher.RunAsync(fanout, stop.Token).ConfigureAwait(false);
            await StopAsync(stopAsyncOperations, asyncOperations).ConfigureAwait(false);
            Exporter.RemoveTarget(Target.Pid);
            return AttachOutcome.TargetExited;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return cancellation.IsCancellationRequested ? AttachOutcome.Stopped : AttachOutcome.DurationElapsed;
        }
        finally
        {
            await StopAsync(stopAsyncOperations, asyncOperations).ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(CancellationTokenSource stopSource, Task source)
    {
        await stopSource.CancelAsync().ConfigureAwait(false);
        await source.ConfigureAwait(false);
    }

    /// <summary>The async-operations signal runs beside the counters; its failures never end the attach.</summary>
    private Task RunAsyncOperationsAsync(DiagnosticsClient client, ISampleSink sink, CancellationToken cancellation)
    {
        if (!_options.AsyncOperations.Enabled)
        {
            return Task.CompletedTask;
        }

        var source = new AsyncOperationsSource(Target, client, _options.AsyncOperations with { Interval = _options.Counters.Interval }, Health, _time);
        source.Warning += line => Message?.Invoke(line);
        if (Interlocked.Exchange(ref _snapshotBeforeAsyncOperations, null) is { } baseline)
        {
            source.Calibrate(baseline); // a baseline snapshot taken at attach: counts start from the absolute figures
        }

        AsyncOperations = source;
        return source.RunAsync(sink, cancellation);
    }

    private void OnSnapshotTaken(TargetProcess target, Core.Stacks.StackSnapshot snapshot)
    {
        if (target.Pid != Target.Pid)
        {
            return;
        }

        if (AsyncOperations is { } source)
        {
            source.Calibrate(snapshot);
        }
        else
        {
            Volatile.Write(ref _snapshotBeforeAsyncOperations, snapshot);
        }
    }

    /// <summary>POST /snapshot: a snapshot on demand (reason "manual"), answered with its summary lines.</summary>
    private async Task ServeSnapshotAsync(HttpListenerContext context, CancellationToken cancellation)
    {
        try
        {
            var summary = await Snapshots.TakeManualAsync(Target, cancellation).ConfigureAwait(false);
            foreach (var line in summary.Lines)
            {
                Message?.Invoke(line);
            }

            await MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, string.Join('\n', summary.Lines) + "\n", cancellation).ConfigureAwait(false);
        }
        catch (Core.LeakWatchException e)
        {
            Message?.Invoke($"Snapshot failed: {e.Message}");
            await MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.Conflict, e.Message + "\n", cancellation).ConfigureAwait(false);
        }
    }

    private Task ServeMetricsAsync(HttpListenerContext context, CancellationToken cancellation)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return Exporter.WriteAsync(context.Response.OutputStream, cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        Snapshots.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
