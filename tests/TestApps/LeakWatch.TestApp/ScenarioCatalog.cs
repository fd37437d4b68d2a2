using LeakWatch.TestApp.Scenarios;

namespace LeakWatch.TestApp;

/// <summary>Every scenario the app can run; the usage text lists them in this order.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new SteadyScenario(),
        new ThreadLeakScenario(),
        new SlowThreadLeakScenario(),
        new HeapLeakScenario(),
        new DroppedAsyncScenario(),
        new TaskLeakScenario(),
        new AwaitKindsScenario(),
        new TimerLeakScenario(),
        new FdLeakScenario(),
        new NoisyScenario(),
        new PoolBurstScenario(),
        new CacheFillScenario(),
        new AsyncLoadScenario(),
        new AsyncLeakDupScenario(),
        new AsyncNamingScenario(),
        new BlockedThreadsScenario(),
        new ExitSoonScenario(),
    ];

    public static IScenario? Find(string name) =>
        All.FirstOrDefault(scenario => string.Equals(scenario.Name, name, StringComparison.Ordinal));
}
