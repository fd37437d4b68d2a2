namespace LeakWatch.Agent.Actions;

/// <summary>
/// Something done when a rule fires (and the throttle allows it): take a snapshot, call webhooks. Actions run one after
/// another per incident, off the sampling path, each under a time limit; a failure is counted and the next action runs.
/// </summary>
public interface ILeakAction
{
    /// <summary>Short name for metrics and messages: "snapshot", "webhook".</summary>
    string Name { get; }

    Task RunAsync(LeakIncident incident, CancellationToken cancellation);
}
