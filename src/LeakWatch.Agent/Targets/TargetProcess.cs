namespace LeakWatch.Agent.Targets;

/// <summary>A .NET process leakwatch can talk to, with what is known about it before attaching.</summary>
/// <param name="Pid">Process id as the agent sees it (the target's own pid when the namespaces differ and only IPC is available).</param>
/// <param name="Name">Short name: the entry assembly's name when known, otherwise the executable's.</param>
/// <param name="CommandLine">Full command line, empty when not visible.</param>
/// <param name="RuntimeVersion">The target's .NET runtime version, when it could be read.</param>
public sealed record TargetProcess(int Pid, string Name, string CommandLine, Version? RuntimeVersion)
{
    /// <summary>.NET 9 added the System.Runtime meter and the EventPipe stack-walk switch.</summary>
    public bool HasRuntimeMeter => RuntimeVersion is null || RuntimeVersion.Major >= 9;

    /// <summary>The runtime's own diagnostic connection (listen mode, or a node agent's socket in another container), or null: reach it by its pid.</summary>
    public RuntimeConnection? Connection { get; init; }

    /// <summary>The container it runs in (from /proc/PID/cgroup), for a process the node agent found in another container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>False when <see cref="Pid"/> is from another pid namespace: never ptrace it or read its /proc.</summary>
    public bool PidVisible => Connection?.PidVisible ?? true;

    /// <summary>
    /// The agent's key for this target's state (series, rules, snapshots): its pid when the pid is ours, otherwise a
    /// number of the connection's own, since several sidecar apps are all pid 1. Never shown: people see <see cref="Pid"/>
    /// and the <c>runtime_instance</c> label.
    /// </summary>
    public int Id => Connection is { PidVisible: false } connection ? connection.LocalId : Pid;

    /// <summary>
    /// The runtime's instance cookie when it connected to the diagnostic port, else empty. It is the
    /// <c>runtime_instance</c> label in listen mode; whether series carry that label is the host's decision
    /// (<c>TargetsOptions.LabelsRuntimeInstance</c>), never this value's.
    /// </summary>
    public string RuntimeInstance => Connection?.RuntimeInstance is { } cookie ? cookie.ToString("N") : "";
}
