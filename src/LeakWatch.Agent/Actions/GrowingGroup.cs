namespace LeakWatch.Agent.Actions;

/// <summary>One group of threads (by stack) or tasks (by async chain) and how it grew.</summary>
/// <param name="Kind">"threads" or "tasks".</param>
/// <param name="Name">The group's headline frame or chain, for example Orders.AckWaiter.WaitForAck.</param>
public sealed record GrowingGroup(string Kind, string Name, int Before, int Now)
{
    public int Delta => Now - Before;
}
