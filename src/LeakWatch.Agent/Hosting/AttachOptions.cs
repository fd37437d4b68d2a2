using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Everything one <c>attach</c> needs, bound by the CLI from flags, environment and config file. Which processes are
/// watched: <see cref="Target"/> (one), <see cref="AllProcesses"/> (every one the agent can see) or
/// <see cref="DiagnosticPort"/> (every runtime that connects); exactly one of them is set.
/// </summary>
public sealed record AttachOptions
{
    /// <summary>The one process to watch; the attach ends when it exits.</summary>
    public TargetProcess? Target { get; init; }

    /// <summary>Watch every .NET process the agent can see, picking up new ones and dropping gone ones.</summary>
    public bool AllProcesses { get; init; }

    /// <summary>With <see cref="AllProcesses"/>: only processes of this name (as <c>leakwatch ps</c> shows it).</summary>
    public string? NameFilter { get; init; }

    /// <summary>A Unix socket path to listen on for runtimes started with <c>DOTNET_DiagnosticPorts=PATH,nosuspend</c>.</summary>
    public string? DiagnosticPort { get; init; }

    /// <summary>How often <see cref="AllProcesses"/> looks for new and gone processes.</summary>
    public TimeSpan DiscoveryInterval { get; init; } = AttachDefaults.DiscoveryInterval;

    public CounterSourceOptions Counters { get; init; } = new();

    /// <summary>The live count of pending async operations per method (docs/async-operations.md).</summary>
    public AsyncOperationsOptions AsyncOperations { get; init; } = new();

    /// <summary>Where /metrics is served; null to serve nothing.</summary>
    public Uri? Url { get; init; } = AttachDefaults.Url;

    /// <summary>Labels added to every target series (service, team, ...).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Stop after this long; null runs until the target exits or the user stops it.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stack snapshots on trigger: files, baseline, pause budget (see <see cref="AttachSession.Snapshots"/>).</summary>
    public SnapshotRecorderOptions Snapshots { get; init; } = new();

    /// <summary>The key <c>POST /snapshots</c> requires as <c>Authorization: Bearer KEY</c>; null turns the endpoint off.</summary>
    public string? ApiKey { get; init; }
}
