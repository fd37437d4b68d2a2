namespace LeakWatch.Agent.Actions;

/// <summary>One group of a snapshot (threads by stack, tasks by chain, timers, descriptors, heap types) and how it grew.</summary>
/// <param name="Kind">"threads", "tasks", "timers", "objects" or a descriptor kind ("files", "sockets", ...).</param>
/// <param name="Name">The group's headline frame or chain, for example Orders.AckWaiter.WaitForAck.</param>
public sealed record GrowingGroup(string Kind, string Name, int Before, int Now)
{
    public int Delta => Now - Before;

    /// <summary>Where the group's method is in the source ("AckWaiter.cs:42"), when the app's PDBs were found.</summary>
    public string? Location { get; init; }
}
