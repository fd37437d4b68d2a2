using LeakWatch.Agent.Snapshots;

namespace LeakWatch.Agent.Actions;

/// <summary>
/// The snapshot taken for a trigger before the actions run (reason = the rule's name): its summary lines go to the
/// terminal, its top growing groups into the <see cref="LeakIncident"/> every action receives.
/// </summary>
public sealed class SnapshotEvidence(SnapshotRecorder recorder)
{
    /// <summary>The snapshot's summary lines, for the terminal.</summary>
    public event Action<string>? Message;

    public async Task<SnapshotHighlights?> TakeAsync(LeakTrigger trigger, CancellationToken cancellation)
    {
        var summary = await recorder.OnTriggerAsync(trigger.Target, trigger.Reason, cancellation).ConfigureAwait(false);
        foreach (var line in summary.Lines)
        {
            Message?.Invoke(line);
        }

        if (summary.Snapshot is null)
        {
            return null;
        }

        var growing = summary.Diff?.All.Where(g => g.Delta > 0).Take(WebhookPayloads.TopGroups)
            .Select(g => new GrowingGroup(g.Kind, g.Name, g.Before, g.Now)).ToList() ?? [];
        return new SnapshotHighlights(growing, summary.Files.Count > 0 ? summary.Files[0] : null);
    }
}
