namespace LeakWatch.Core.Stacks;

/// <summary>Live (not disposed) timers on the heap, grouped by the method they call and their period; largest first.</summary>
public sealed record TimerSection(int Total, IReadOnlyList<TimerGroup> Groups);

/// <summary>
/// Timers calling <see cref="Callback"/> (the TimerCallback's method, "Type.Method") every <see cref="PeriodMs"/>
/// milliseconds (null: one-shot).
/// </summary>
public sealed record TimerGroup(int Count, string Callback, long? PeriodMs)
{
    /// <summary>Where the callback method is declared ("Reminders.cs:31"), when the app's PDBs were found.</summary>
    public string? Location { get; init; }

    /// <summary>"Notifications.Reminders.SendReminder every 1m", "Orders.Cache.Expire once".</summary>
    public string Name => PeriodMs is { } period
        ? $"{Callback} every {Options.DurationParser.Format(TimeSpan.FromMilliseconds(period))}"
        : $"{Callback} once";
}
