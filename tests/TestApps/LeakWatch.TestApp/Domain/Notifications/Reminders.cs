using System.Runtime.CompilerServices;

namespace Notifications;

/// <summary>
/// Schedules customer reminders on timers that are never disposed: every <see cref="ScheduleReminder"/> adds one
/// live <see cref="Timer"/> (due in a minute, then every minute) to <see cref="Scheduled"/>, which only grows.
/// </summary>
internal static class Reminders
{
    private static readonly TimeSpan ReminderInterval = TimeSpan.FromMinutes(1);
    private static readonly List<Timer> Scheduled = [];
    private static long sent;

    public static long Sent => Interlocked.Read(ref sent);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ScheduleReminder(int customerId)
    {
        var reminder = new Timer(SendReminder, customerId, ReminderInterval, ReminderInterval);
        lock (Scheduled)
        {
            Scheduled.Add(reminder); // never removed, never disposed
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SendReminder(object? customerId) => Interlocked.Increment(ref sent);
}
