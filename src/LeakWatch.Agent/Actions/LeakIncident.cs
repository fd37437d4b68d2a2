namespace LeakWatch.Agent.Actions;

/// <summary>
/// One trigger and the evidence gathered for it before any action runs: the snapshot's top growing groups (null when
/// no snapshot was taken or it failed). Immutable, so actions neither depend on each other nor on their order.
/// </summary>
public sealed record LeakIncident(LeakTrigger Trigger, SnapshotHighlights? Snapshot = null);
