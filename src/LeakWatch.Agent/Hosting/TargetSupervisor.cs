using System.Collections.Concurrent;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Runs the <see cref="ITargetSource"/>s of each watched target: the first (the counters) decides when the target is
/// gone, the others run beside it and are stopped with it; a failing source is counted and never stops the others.
/// With several targets (discovery, listening) each runs in the background, raising <see cref="TargetLifetime"/>'s
/// events, and a target that cannot be watched is left alone until it is gone.
/// </summary>
internal sealed class TargetSupervisor(
    IReadOnlyList<ITargetSource> sources, ISampleSink sink, TargetLifetime lifetime, AgentHealth health, TimeProvider time, bool severalTargets, Action<string> message)
{
    private readonly ConcurrentDictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, bool> _ignoredPids = new();

    private sealed record Watched(TargetProcess Target, CancellationTokenSource Stop, Task Run);

    public IReadOnlyList<TargetProcess> Targets => _watched.Values.Select(w => w.Target).OrderBy(t => t.Pid).ToList();

    public bool IsWatching(string key) => _watched.ContainsKey(key);

    public bool IsIgnored(int pid) => _ignoredPids.ContainsKey(pid);

    public void Ignore(int pid) => _ignoredPids[pid] = true;

    /// <summary>Pids may be reused: forget that a pid was not watchable once it is gone.</summary>
    public void ForgetIgnoredExcept(IReadOnlyCollection<int> alive)
    {
        foreach (var pid in _ignoredPids.Keys.Except(alive).ToList())
        {
            _ignoredPids.TryRemove(pid, out _);
        }
    }

    /// <summary>Watches one target until it is gone (returns) or <paramref name="cancellation"/> fires (throws).</summary>
    public async Task WatchAsync(TargetConnection target, CancellationToken cancellation)
    {
        lifetime.RaiseStarted(target.Process);
        var prefix = severalTargets ? $"{target.Process.Pid} ({target.Process.Name}): " : "";
        void Warn(string line) => message(prefix + line);
        using var stopCompanions = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var companions = sources.Skip(1).Select(source => RunCompanionAsync(source, target, Warn, stopCompanions.Token)).ToList();
        try
        {
            await sources[0].RunAsync(target, sink, Warn, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await stopCompanions.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(companions).ConfigureAwait(false);
        }
    }

    /// <summary>Watches a target in the background under <paramref name="key"/>; <paramref name="onGone"/> runs once it is gone.</summary>
    public void Start(string key, TargetConnection target, Action? onGone, CancellationToken cancellation, TimeSpan startDelay = default)
    {
        var process = target.Process;
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(async () =>
        {
            await started.Task.ConfigureAwait(false);
            try
            {
                message($"Watching {Describe(process)}.");
                if (startDelay > TimeSpan.Zero)
                {
                    await Task.Delay(startDelay, time, stop.Token).ConfigureAwait(false);
                }

                await WatchAsync(target, stop.Token).ConfigureAwait(false);
                message($"Process {process.Pid} ({process.Name}) exited.");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (LeakWatchException e)
            {
                // Not attachable (permission, too old a runtime): say so once and leave it alone until it is gone.
                message($"Not watching {process.Pid} ({process.Name}): {UserMessages.Describe(e)}.");
                Ignore(process.Pid);
            }
            catch (Exception e)
            {
                // A runtime that dies mid-event leaves a truncated stream behind: that is an exit, not an error.
                if (await target.IsAliveAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    health.Error("watch_failed");
                    message($"Stopped watching {process.Pid} ({process.Name}) after an error: {UserMessages.Describe(e)}.");
                }
                else
                {
                    message($"Process {process.Pid} ({process.Name}) exited.");
                }
            }
            finally
            {
                _watched.TryRemove(key, out _);
                if (!stop.IsCancellationRequested)
                {
                    lifetime.RaiseStopped(process);
                    onGone?.Invoke();
                }
            }
        }, CancellationToken.None);
        _watched[key] = new Watched(process, stop, run);
        started.SetResult();
    }

    public async Task StopAllAsync()
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

    /// <summary>"Orders (pid 1, .NET 10.0.1, runtime_instance 3f2a...)": the instance only where the pid is another namespace's.</summary>
    public static string Describe(TargetProcess target) =>
        $"{target.Name} (pid {target.Pid}, {(target.RuntimeVersion is { } version ? $".NET {version.ToString(3)}" : ".NET (version unknown)")}" +
        $"{(target.PidVisible ? "" : $", runtime_instance {target.RuntimeInstance}")})";

    private async Task RunCompanionAsync(ITargetSource source, TargetConnection target, Action<string> warn, CancellationToken cancellation)
    {
        try
        {
            await source.RunAsync(target, sink, warn, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // One source failing must not stop the counters of its target.
            health.Error("target_source_failed");
            warn($"{source.Name}: {UserMessages.Describe(e)}.");
        }
    }
}
