using Recommendations;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// async-naming: the three shapes of async code whose state machine names need reading, each leaking.
/// <c>--rate</c> (default 10) new pending calls a second of each:
/// <code>
///   Recommendations.ModelRefresher.ScheduleRefresh  ──▶ async lambda          ──await──▶ TaskCompletionSource (never set)
///   Recommendations.SignalPoller.StartPolling       ──▶ local PollSignalsAsync ──await──▶ TaskCompletionSource (never set)
///   Recommendations.ScoreCache.LoadAsync&lt;double&gt;   ──await──▶ TaskCompletionSource (never set)
/// </code>
/// STATUS leaked_lambdas=N leaked_local_functions=N leaked_generic=N.
/// </summary>
internal sealed class AsyncNamingScenario : IScenario
{
    public string Name => "async-naming";

    public string Description => "--rate (10)/s each of an async lambda, an async local function and a generic async method, never completing";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var id = 0;
        Protocol.Ready(Name);
        await Pacer.RunAsync(args.RateOr(10), () =>
        {
            id++;
            _ = ModelRefresher.ScheduleRefresh(id);
            _ = SignalPoller.StartPolling(id);
            _ = ScoreCache.LoadAsync<double>($"user-{id}");
            Protocol.SetStatus("leaked_lambdas", id);
            Protocol.SetStatus("leaked_local_functions", id);
            Protocol.SetStatus("leaked_generic", id);
        }, cancellationToken);
    }
}
