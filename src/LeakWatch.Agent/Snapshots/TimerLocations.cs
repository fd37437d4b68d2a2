using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Snapshots;

/// <summary>Turns the timer callbacks' code references into names and declaration lines, once the target runs again.</summary>
internal static class TimerLocations
{
    public static TimerSection Resolve(TimerSection timers, SourceLocator sources) => timers with
    {
        Groups = timers.Groups.Select(group =>
        {
            var (name, location) = CodeReference.Split(group.Callback, sources);
            return group with { Callback = name ?? group.Callback, Location = location };
        }).ToList(),
    };
}
