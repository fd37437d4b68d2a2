namespace LeakWatch.Agent.Actions;

/// <summary>
/// One trigger on its way through the actions, in order. An earlier action can leave results for later ones: the
/// snapshot action sets <see cref="Snapshot"/>, and the webhook action includes its top growing groups.
/// </summary>
public sealed class LeakIncident(LeakTrigger trigger)
{
    public LeakTrigger Trigger { get; } = trigger;

    public SnapshotHighlights? Snapshot { get; set; }
}
