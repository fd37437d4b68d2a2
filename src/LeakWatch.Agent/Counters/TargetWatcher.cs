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

    public TargetWatcher(TargetProcess target, DiagnosticsClient client, CounterSourceOptions options, AgentHealth health, TimeProvider time)
    {
        _target = target;
        _client = client;
        _options = options;
        _health = health;
        _time = time;
    }

    public event Action<string>? Warning;

    /// <summary>Returns when the target has exited; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    public async Task RunAsync(ISampleSink sink, CancellationToken cancellation)
    {
        using var stopProcPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var procPolling = PollProcAsync(sink, stopProcPolling.Token);
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
                if (explained.ExitCode == ExitCode.TargetExited)
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
            if (!TargetResolver.ProcessExists(_target.Pid))
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
