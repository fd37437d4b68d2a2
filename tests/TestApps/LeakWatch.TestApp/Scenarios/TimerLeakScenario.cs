using Notifications;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// timer-leak: reminders scheduled and never cancelled. <c>--rate</c> (default 20) new timers a second:
/// <code>
///   Reminders.ScheduleReminder ──▶ new Timer(SendReminder, due 1 min, every 1 min) ──▶ static Scheduled list (never disposed)
/// </code>
/// STATUS leaked_timers=N.
/// </summary>
internal sealed class TimerLeakScenario : IScenario
{
    public string Name => "timer-leak";

    public string Description => "--rate (20) System.Threading.Timer/s never disposed, from Notifications.Reminders.ScheduleReminder";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var customerId = 0;
        Protocol.Ready(Name);
        await Pacer.RunAsync(args.RateOr(20), () =>
        {
            Reminders.ScheduleReminder(++customerId);
            Protocol.SetStatus("leaked_timers", customerId);
        }, cancellationToken);
    }
}
