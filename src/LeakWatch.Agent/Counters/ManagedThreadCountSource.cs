using LeakWatch.Agent.Snapshots.EventPipe;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Samples;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// <c>leakwatch_managed_threads</c>: the runtime's own count of its threads, for targets whose /proc the agent cannot
/// see (a sidecar without a shared pid namespace), where <c>process_num_threads</c> is absent and a thread leak would
/// otherwise go unseen. Each interval a sample-profiler session of a few milliseconds (no rundown, nothing named)
/// records one stack per managed thread, and the threads are counted. The target pays one profiler pass or two per
/// interval (docs/benchmarks.md), which is why this runs only where /proc cannot answer.
/// </summary>
public sealed class ManagedThreadCountSource
{
    public const string SeriesName = "leakwatch_managed_threads";

    public const string Help = "Managed threads of the runtime with a managed frame on their stack, counted by the runtime's sample profiler " +
                               "(for processes whose /proc is not visible, where process_num_threads is absent).";

    /// <summary>One profiler pass is enough to count; the stop request's round trip adds the rest.</summary>
    private static readonly TimeSpan SampleFor = TimeSpan.FromMilliseconds(1);

    private readonly TargetProcess _target;
    private readonly DiagnosticsClient _client;
    private readonly TimeSpan _interval;
    private readonly AgentHealth _health;
    private readonly TimeProvider _time;

    public ManagedThreadCountSource(TargetProcess target, DiagnosticsClient client, TimeSpan interval, AgentHealth health, TimeProvider time)
    {
        _target = target;
        _client = client;
        _interval = interval;
        _health = health;
        _time = time;
    }

    /// <summary>Said once, when a sample fails for a reason other than the target leaving.</summary>
    public event Action<string>? Warning;

    /// <summary>Counts every interval until cancelled; a failed count is skipped, never fatal to the watch.</summary>
    public async Task RunAsync(ISampleSink sink, CancellationToken cancellation)
    {
        var warned = false;
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                try
                {
                    var count = await CountAsync(cancellation).ConfigureAwait(false);
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
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        finally
        {
            sink.OnSeriesEnded(_target, SeriesName, LabelSet.Empty);
        }
    }

    private async Task<int> CountAsync(CancellationToken cancellation)
    {
        using var session = await ThreadSampleSession.RecordAsync(_client, rundown: false, SampleFor, $"Process {_target.Pid} ({_target.Name})", cancellation).ConfigureAwait(false);
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
