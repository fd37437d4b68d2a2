using LeakWatch.Agent.Configuration;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// <c>--all</c>: lists the processes every <see cref="TargetsOptions.DiscoveryInterval"/> and watches new ones, also
/// those of other containers whose socket is in their own /tmp (<see cref="ContainerTargets"/>: a node agent).
/// </summary>
internal static class ProcessDiscovery
{
    public static async Task RunAsync(TargetsOptions options, TargetSupervisor supervisor, TimeProvider time, Action ready, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(options.DiscoveryInterval, time);
        ready();
        do
        {
            var containers = ContainerTargets.Find();
            var pids = TargetResolver.ListAttachablePids().Union(containers.Keys).ToList();
            supervisor.ForgetIgnoredExcept(pids);
            foreach (var pid in pids.Where(p => !supervisor.IsWatching(Key(p)) && !supervisor.IsIgnored(p)))
            {
                if (ProcFs.Age(pid) < TargetsDefaults.ListenStartupDelay)
                {
                    continue; // too young to enable event sources safely; the next round picks it up
                }

                var target = ContainerTargets.Describe(pid, containers);
                if (options.NameFilter is { } name && !TargetResolver.Matches(target, name))
                {
                    supervisor.Ignore(pid);
                    continue;
                }

                supervisor.Start(Key(pid), TargetConnection.ByPid(target), onGone: null, cancellation);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false));
    }

    private static string Key(int pid) => $"pid:{pid}";
}
