using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// Watches one target until it exits: its EventPipe counters and its /proc figures, every interval.
/// A session that ends while the process still lives (a broken stream, another tool's interference) is started again.
/// </summary>
public sealed class TargetWatcher
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    private readonly TargetProcess _target;
    private readonly DiagnosticsClient _client;
    private readonly CounterSourceOptions _options;
    private readonly AgentHealth _health;
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, Task<bool>> _isAlive;
    private readonly bool _readProc;

    /// <param name="isAlive">Whether the target still runs; by default its pid is looked up. A target on the diagnostic
    /// port may live in another pid namespace, where only its connection tells.</param>
    /// <param name="readProc">Poll /proc/PID for the OS series; off when /proc/PID is not the target.</param>
    public TargetWatcher(
        TargetProcess target,
        DiagnosticsClient client,
        CounterSourceOptions options,
        AgentHealth health,
        TimeProvider time,
        Func<CancellationToken, Task<bool>>? isAlive = null,
        bool readProc = true)
    {
        _target = target;
        _client = client;
        _options = options;
        _health = health;
        _time = time;
        _isAlive = isAlive ?? (_ => Task.FromResult(TargetResolver.ProcessExists(target.Pid)));
        _readProc = readProc;
    }

    public TargetProcess Target => _target;

    public event Action<string>? Warning;

    /// <summary>Returns when the target has exited; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    public async Task RunAsync(ISampleSink sink, CancellationToken cancellation)
    {
        using var stopProcPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var procPolling = _readProc ? PollProcAsync(sink, stopProcPolling.Token) : Task.CompletedTask;
        try
        {
            await RunCounterSessionsAsync(sink, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await stopProcPolling.CancelAsync().ConfigureAwait(false);
            await procPolling.ConfigureAwait(false);
        }
    }

    private async Task RunCounterSessionsAsync(ISampleSink sink, CancellationToken cancellation)
    {
        var first = true;
        while (true)
        {
            var source = new EventPipeCounterSource(_target, _client, _options, _health);
            source.Warning += message => Warning?.Invoke(message);
            try
            {
                await source.RunAsync(sink, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && TargetResolver.Explain(e, _target) is { } explained)
            {
                if (explained.ExitCode == ExitCode.TargetExited || !await _isAlive(cancellation).ConfigureAwait(false))
                {
                    return;
                }

                if (first)
                {
                    throw explained;
                }

                _health.Error("session_failed");
            }

            cancellation.ThrowIfCancellationRequested();
            if (!await _isAlive(cancellation).ConfigureAwait(false))
            {
                return;
            }

            first = false;
            _health.SessionRestarted();
            await Task.Delay(RestartDelay, _time, cancellation).ConfigureAwait(false);
        }
    }

    private async Task PollProcAsync(ISampleSink sink, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(_options.Interval, _time);
        try
        {
            do
            {
                foreach (var sample in ProcStatSource.Read(_target.Pid, _time.GetUtcNow()))
                {
                    sink.OnSample(_target, sample);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
