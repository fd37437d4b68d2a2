using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Configuration;

/// <summary>
/// Which processes are watched: <see cref="Target"/> (one; the agent ends when it exits), <see cref="AllProcesses"/>
/// (every one the agent can see) or <see cref="DiagnosticPort"/> (every runtime that connects); exactly one is set.
/// </summary>
public sealed record TargetsOptions
{
    public TargetProcess? Target { get; init; }

    public bool AllProcesses { get; init; }

    /// <summary>With <see cref="AllProcesses"/>: only processes of this name (as <c>leakwatch ps</c> shows it).</summary>
    public string? NameFilter { get; init; }

    /// <summary>A Unix socket path to listen on for runtimes started with <c>DOTNET_DiagnosticPorts=PATH,nosuspend</c>.</summary>
    public string? DiagnosticPort { get; init; }

    /// <summary>How often <see cref="AllProcesses"/> looks for new and gone processes.</summary>
    public TimeSpan DiscoveryInterval { get; init; } = TargetsDefaults.DiscoveryInterval;

    /// <summary>
    /// Whether per-target series carry <c>runtime_instance</c>: only when listening on a diagnostic port, where apps in
    /// their own pid namespaces may all be pid 1. A pid from <c>--pid</c>, <c>--name</c> or <c>--all</c> names one process.
    /// </summary>
    public bool LabelsRuntimeInstance => DiagnosticPort is not null;

    public string? Validate() =>
        (Target is null ? 0 : 1) + (AllProcesses ? 1 : 0) + (DiagnosticPort is null ? 0 : 1) == 1
            ? null
            : "exactly one of a target (--pid/--name), --all and --diagnostic-port must be given.";
}

public static class TargetsDefaults
{
    /// <summary>How often <c>--all</c> lists the processes: a new one is watched within this long.</summary>
    public static readonly TimeSpan DiscoveryInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after a runtime connects to the diagnostic port its EventPipe sessions start. It connects at the very
    /// start of the process, and enabling event sources while the app runs its first static constructors can
    /// deadlock the app inside the runtime (seen: ArrayPoolEventSource's type initializer on the main thread waiting
    /// for EventListener's lock, held by the enable callback of MetricsEventSource waiting for that type initializer;
    /// the test app hung before printing READY in 3 of 3 runs without this delay). <c>--all</c> likewise leaves a
    /// process younger than this for its next round.
    /// </summary>
    public static readonly TimeSpan ListenStartupDelay = TimeSpan.FromSeconds(3);

    /// <summary>How long a runtime on the diagnostic port has to reconnect before it is taken as gone.</summary>
    public static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(3);
}
