using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>Everything one <c>attach</c> needs, bound from the command line by the CLI.</summary>
public sealed record AttachOptions
{
    public required TargetProcess Target { get; init; }

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
}

public static class AttachDefaults
{
    /// <summary>Port 9473: free of dotnet-monitor's 52323/52325 and the OpenTelemetry exporter's 9464.</summary>
    public const int Port = 9473;

    public static readonly Uri Url = new($"http://127.0.0.1:{Port}");
}
