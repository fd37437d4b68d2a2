using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// The one event of a target's life the host raises: it is watched from now on, or it is gone. Everything that holds
/// per-process state (the exporter's series, the terminal store, the rules, the snapshots, the async counts)
/// subscribes here, so a process that exits (<c>--all</c>, <c>--diagnostic-port</c>) leaves nothing behind.
/// </summary>
public sealed class TargetLifetime
{
    public event Action<TargetProcess>? Started;

    /// <summary>The target is gone (not raised when the agent itself stops).</summary>
    public event Action<TargetProcess>? Stopped;

    public void RaiseStarted(TargetProcess target) => Started?.Invoke(target);

    public void RaiseStopped(TargetProcess target) => Stopped?.Invoke(target);
}
