namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// exit-soon: a target that goes away by itself, to test how the tool handles a process exiting under it.
/// Prints READY, waits <c>--exit-after</c> seconds (default 3), exits with code 0. Builds nothing.
/// </summary>
internal sealed class ExitSoonScenario : IScenario
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(3);

    public string Name => "exit-soon";

    public string Description => "READY, then exit 0 after --exit-after (3) seconds";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        Protocol.Ready(Name);
        await Task.Delay(args.ExitAfter ?? DefaultLifetime, cancellationToken);
    }
}
