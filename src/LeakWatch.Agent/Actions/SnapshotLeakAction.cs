using LeakWatch.Agent.Snapshots;

namespace LeakWatch.Agent.Actions;

/// <summary>
/// The snapshot action: a stack snapshot of the target when a rule fires (reason = the rule's name), its summary lines
/// on the terminal, and its top growing groups left on the incident for the webhook action that runs after it.
/// </summary>
public sealed class SnapshotLeakAction(SnapshotRecorder recorder) : ILeakAction
{
    public string Name => "snapshot";

    /// <summary>The snapshot's summary lines, for the terminal.</summary>
    public event Action<string>? Message;

    public async Task RunAsync(LeakIncident incident, CancellationToken cancellation)
    {
        var trigger = incident.Trigger;
        var summary = await recorder.OnTriggerAsync(trigger.Target, trigger.Reason, cancellation).ConfigureAwait(false);
        foreach (var line in summary.Lines)
        {
            Message?.Invoke(line);
        }

        if (summary.Snapshot is null)
        {
            return;
        }

        var growing = summary.Diff?.All.Where(g => g.Delta > 0).Take(WebhookPayloads.TopGroups)
            .Select(g => new GrowingGroup(g.Kind, g.Name, g.Before, g.Now)).ToList() ?? [];
        incident.Snapshot = new SnapshotHighlights(growing, summary.Files.Count > 0 ? summary.Files[0] : null)
        {
            DroppedAsync = summary.Snapshot.DroppedAsync,
        };
    }
}
