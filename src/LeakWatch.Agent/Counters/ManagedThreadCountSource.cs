using LeakWatch.Agent.Snapshots.EventPipe;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Samples;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// <c>leakwatch_managed_threads</c>: the runtime's own count of its threads, for targets whose /proc the agent cannot
/// see (a sidecar without a shared pid namespace), where <c>process_num_threads</c> is absent and a thread leak would
/// otherwise go unseen. Each interval a sample-profiler session stopped as soon as it has started (no rundown, nothing
/// named) records one stack per managed thread, and the threads are counted. The target pays one profiler pass or a
/// few per interval (docs/benchmarks.md), which is why this runs only where /proc cannot answer.
/// </summary>
public sealed class ManagedThreadCountSource
{
    public const string SeriesName = "leakwatch_managed_threads";

    public const string Help = "Managed threads of the runtime with a managed frame on their stack, counted by the runtime's sample profiler " +
                               "(for processes whose /proc is not visible, where process_num_threads is absent).";

    private readonly TargetProcess _target;
    private readonly DiagnosticsClient _client;
    private readonly IntervalClock _clock;
    private readonly AgentHealth _health;
    private readonly TimeProvider _time;

    public ManagedThreadCountSource(TargetProcess target, DiagnosticsClient client, IntervalClock clock, AgentHealth health, TimeProvider time)
    {
        _target = target;
        _client = client;
        _clock = clock;
        _health = health;
        _time = time;
    }

    /// <summary>Said once, when a sample fails for a reason other than the target leaving.</summary>
    public event Action<string>? Warning;

    /// <summary>Counts every interval until cancelled; a failed count is skipped, never fatal to the watch.</summary>
    public async Task RunAsync(ISampleSink sink, CancellationToken cancellation)
    {
        var warned = false;
        try
        {
            do
            {
                try
                {
                    var count = await CountAsync(cancellation).ConfigureAwait(false);
                    if (count == 0)
                    {
                        continue; // no pass ran in any attempt (a starved machine): no count is better than a false 0
                    }

                    sink.OnSample(_target, new MetricSample(SeriesName, MetricKind.Gauge, count, _time.GetUtcNow(), LabelSet.Empty, Help));
                }
                catch (LeakWatchException e) when (e.ExitCode == ExitCode.TargetExited)
                {
                    return; // the watch notices the exit through the connection
                }
                catch (LeakWatchException e)
                {
                    _health.Error("thread_count_failed");
                    if (!warned)
                    {
                        warned = true;
                        Warning?.Invoke($"{SeriesName} is not available: {e.Message}");
                    }

                    if (e.ExitCode == ExitCode.TargetNotSupported)
                    {
                        return; // the runtime refuses sample sessions: asking again every interval would not change that
                    }
                }
            }
            while (await _clock.WaitForNextTickAsync(cancellation).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        finally
        {
            sink.OnSeriesEnded(_target, SeriesName, LabelSet.Empty);
        }
    }

    /// <summary>
    /// One profiler pass is enough to count, so the session is stopped at once (<see cref="EventPipeStackDefaults.SampleAttempts"/>):
    /// a count of zero means no pass ran before the stop (every runtime has a thread in Main), so it is taken again.
    /// </summary>
    private async Task<int> CountAsync(CancellationToken cancellation)
    {
        var count = 0;
        foreach (var sampleFor in EventPipeStackDefaults.SampleAttempts)
        {
            count = await CountOnceAsync(sampleFor, cancellation).ConfigureAwait(false);
            if (count > 0)
            {
                break;
            }
        }

        return count;
    }

    private async Task<int> CountOnceAsync(TimeSpan sampleFor, CancellationToken cancellation)
    {
        using var session = await ThreadSampleSession.RecordAsync(_client, rundown: false, sampleFor, $"Process {_target.Pid} ({_target.Name})", cancellation).ConfigureAwait(false);
        try
        {
            return ThreadStackReader.CountThreads(session.TracePath);
        }
        catch (Exception e) when (e is not OperationCanceledException and not LeakWatchException)
        {
            throw new LeakWatchException(ExitCode.TargetExited, $"Process {_target.Pid} ({_target.Name}): its thread sample ended early ({e.Message}).", e);
        }
    }
}
