namespace LeakWatch.Agent.Actions;

/// <summary>
/// Something done when a rule fires (and the throttle allows it): call webhooks, for example. Each action receives the
/// whole incident (the trigger and the snapshot taken for it), off the sampling path, under a time limit; a failure is
/// counted and the other actions still run.
/// </summary>
public interface ILeakAction
{
    /// <summary>Short name for metrics and messages: "webhook".</summary>
    string Name { get; }

    Task RunAsync(LeakIncident incident, CancellationToken cancellation);
}
