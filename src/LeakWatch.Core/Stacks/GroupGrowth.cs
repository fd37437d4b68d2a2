using System.Globalization;

namespace LeakWatch.Core.Stacks;

/// <summary>A group that grew between two snapshots: by <see cref="Delta"/>, to <see cref="Now"/>.</summary>
/// <param name="Kind">"threads", "tasks", "timers", "objects" or a descriptor kind ("files", "sockets", ...).</param>
/// <param name="Name">The group's headline: the innermost application frame, the innermost async method, the timer
/// callback and period, the descriptor pattern or the heap type.</param>
/// <param name="Frames">The group's frames (or chain), as in the snapshot; empty for the other kinds.</param>
public sealed record GroupGrowth(string Kind, string Name, IReadOnlyList<string> Frames, int Before, int Now)
{
    public int Delta => Now - Before;

    /// <summary>For heap types: how many bytes the type's objects grew by.</summary>
    public long BytesDelta { get; init; }

    /// <summary>Where <see cref="Name"/> is in the source ("AckWaiter.cs:42"), when the app's PDBs were found.</summary>
    public string? Location { get; init; }

    /// <summary>The idle runtime thread this group is ("thread-pool worker"), or null (<see cref="RuntimeThreads"/>).</summary>
    public string? IdleRole { get; init; }

    /// <summary>
    /// "+312 threads in Orders.AckWaiter.WaitForAck (AckWaiter.cs:42, now 1000)",
    /// "+272 tasks in Payments.Gateway.AwaitSettlementAsync (Gateway.cs:52) awaiting TaskCompletionSource.Task (now 300)", "+447 timers calling Notifications.Reminders.SendReminder every 1s (now 500)",
    /// "+150 files /tmp/tmp*.tmp (now 160)", "+12000 Orders.PriceSubscriber (+240 MB, now 14000)".
    /// </summary>
    public string Headline => Kind switch
    {
        SnapshotDiff.TasksKind when Frames.Count > 1 => $"+{Delta} tasks in {Name}{(Location is null ? "" : $" ({Location})")} awaiting {Frames[0]} (now {Now})",
        SnapshotDiff.ThreadsKind or SnapshotDiff.TasksKind or SnapshotDiff.OperationsKind => $"+{Delta} {Kind} in {Name} ({Where}now {Now})",
        SnapshotDiff.TimersKind => $"+{Delta} timers calling {Name} ({Where}now {Now})",
        SnapshotDiff.ObjectsKind => $"+{Delta} {Name} ({(BytesDelta >= 0 ? "+" : "")}{FormatBytes(BytesDelta)}, now {Now})",
        _ => $"+{Delta} {Kind} {Name} (now {Now})",
    };

    private string Where => Location is null ? "" : $"{Location}, ";

    /// <summary>"240 MB", "12 KB", "512 B" (powers of 1024, one decimal under 10).</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = Math.Abs(bytes);
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var number = value < 10 && unit > 0 ? value.ToString("0.#", CultureInfo.InvariantCulture) : value.ToString("0", CultureInfo.InvariantCulture);
        return $"{(bytes < 0 ? "-" : "")}{number} {units[unit]}";
    }
}
