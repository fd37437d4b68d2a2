using LeakWatch.Agent.Hosting;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// The counters of one target until it exits: its EventPipe counter sessions (restarted by <see cref="SessionLoop"/>)
/// and its /proc figures, every interval. The host takes the end of this source as the end of the target.
/// The session's samples mark the target as heard from (<see cref="TargetFreshness"/>); /proc reads do not.
/// </summary>
public sealed class TargetWatcher(CounterSourceOptions options, AgentHealth health, TimeProvider time, IntervalClock clock, TargetFreshness freshness) : ITargetSource
{
    public string Name => "counters";

    /// <summary>Returns when the target has exited; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    public async Task RunAsync(TargetConnection target, ISampleSink sink, Action<string> warn, CancellationToken cancellation)
    {
        freshness.Watching(target.Process, time.GetUtcNow());
        using var stopProcPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var procPolling = target.ProcVisible ? PollProcAsync(target.Process, sink, stopProcPolling.Token) : Task.CompletedTask;
        try
        {
            var heard = new HeardSink(sink, freshness, time);
            await SessionLoop.RunAsync((first, token) => RunSessionAsync(target, heard, warn, first, token), target.IsAliveAsync, health, time, cancellation)
                .ConfigureAwait(false);
        }
        finally
        {
            await stopProcPolling.CancelAsync().ConfigureAwait(false);
            await procPolling.ConfigureAwait(false);
        }
    }

    private async Task<SessionEnd> RunSessionAsync(TargetConnection target, ISampleSink sink, Action<string> warn, bool first, CancellationToken cancellation)
    {
        var source = new EventPipeCounterSource(target.Process, target.Client, options, health);
        source.Warning += warn;
        try
        {
            await source.RunAsync(sink, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && TargetResolver.Explain(e, target.Process) is { } explained)
        {
            if (explained.ExitCode == ExitCode.TargetExited || !await target.IsAliveAsync(cancellation).ConfigureAwait(false))
            {
                return SessionEnd.Stop;
            }

            if (first)
            {
                throw explained;
            }

            health.Error("session_failed");
        }

        return SessionEnd.Restart;
    }

    private async Task PollProcAsync(TargetProcess target, ISampleSink sink, CancellationToken cancellation)
    {
        try
        {
            do
            {
                foreach (var sample in ProcStatSource.Read(target.Pid, time.GetUtcNow()))
                {
                    sink.OnSample(target, sample);
                }
            }
            while (await clock.WaitForNextTickAsync(cancellation).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
