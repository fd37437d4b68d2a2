using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Something the host runs for each watched target, beside the others: the counter session, the async-operations
/// session, the baseline snapshot. It returns when its work is done or the target is gone, and must return soon after
/// <c>cancellation</c> fires (the target is gone, or the agent stops). Failures other than cancellation are the
/// host's to count and report; they never end the other sources of the target.
/// </summary>
public interface ITargetSource
{
    /// <summary>Short name for health counters and messages: "counters", "async_operations", "baseline".</summary>
    string Name { get; }

    /// <param name="warn">A line for the person watching about this target (the host prefixes the target when several are watched).</param>
    Task RunAsync(TargetConnection target, ISampleSink sink, Action<string> warn, CancellationToken cancellation);
}
