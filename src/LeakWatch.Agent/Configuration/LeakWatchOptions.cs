using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Configuration;

/// <summary>
/// Every setting of a watching agent (<c>attach</c>, <c>demo</c>, the sidecar) in one tree, bound once by
/// <see cref="LeakWatchOptionsBinder"/> from flags &gt; LEAKWATCH_* variables &gt; config file &gt; defaults, and
/// handed whole to <see cref="Hosting.AgentHost"/>. Each section keeps its defaults beside it (<c>*Defaults</c>) and
/// says what is wrong with it (<c>Validate</c>).
/// </summary>
public sealed record LeakWatchOptions
{
    /// <summary>Which processes are watched: one, every visible one, or every runtime connecting to a socket.</summary>
    public TargetsOptions Targets { get; init; } = new();

    /// <summary>Where /metrics, the probes and POST /snapshots are served.</summary>
    public HttpOptions Http { get; init; } = new();

    /// <summary>What each target's counter session asks for: interval and the app's own meters.</summary>
    public CounterSourceOptions Counters { get; init; } = new();

    /// <summary>Labels added to every series (service, team, ...).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Leak rules with their throttle and webhooks (<see cref="RuleSetOptions.Throttle"/>, <see cref="RuleSetOptions.Webhooks"/>).</summary>
    public RuleSetOptions Rules { get; init; } = new();

    /// <summary>How hard each webhook call tries.</summary>
    public WebhookDeliveryOptions WebhookDelivery { get; init; } = new();

    /// <summary>Stack snapshots on trigger, on demand and at attach.</summary>
    public SnapshotRecorderOptions Snapshots { get; init; } = new();

    /// <summary>The live count of pending async operations per method (docs/async-operations.md).</summary>
    public AsyncOperationsOptions AsyncOperations { get; init; } = new();

    /// <summary>Stop after this long; null runs until the target exits or the user stops it.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Notes about how the rules were fitted to the interval, for the person watching.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>A one-line reason the options cannot work, or null.</summary>
    public string? Validate() => Targets.Validate() ?? AsyncOperations.Validate();
}
