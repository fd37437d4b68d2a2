using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Hosting;

/// <summary>The baseline (on unless <c>--snapshot-baseline false</c>): one snapshot when a target is first watched, so the first triggered one shows what grew.</summary>
internal sealed class BaselineSnapshotSource(SnapshotRecorder snapshots) : ITargetSource
{
    public string Name => "baseline";

    public async Task RunAsync(TargetConnection target, ISampleSink sink, Action<string> warn, CancellationToken cancellation)
    {
        try
        {
            var baseline = await snapshots.TakeBaselineAsync(target.Process, cancellation).ConfigureAwait(false);
            foreach (var line in baseline.Lines)
            {
                warn(line);
            }
        }
        catch (LeakWatchException e)
        {
            // Counters are still worth watching without a baseline; triggered snapshots report their own errors.
            warn($"Baseline snapshot failed: {UserMessages.Describe(e)}.");
        }
    }
}
