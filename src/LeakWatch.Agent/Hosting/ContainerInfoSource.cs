using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary><c>leakwatch_target_info{container_id}</c> once, for a target the node agent found in another container.</summary>
internal sealed class ContainerInfoSource(TimeProvider time) : ITargetSource
{
    public string Name => "container_info";

    public Task RunAsync(TargetConnection target, ISampleSink sink, Action<string> warn, CancellationToken cancellation)
    {
        ContainerTargets.Announce(sink, target.Process, time.GetUtcNow());
        return Task.CompletedTask;
    }
}
