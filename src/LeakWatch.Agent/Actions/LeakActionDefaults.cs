namespace LeakWatch.Agent.Actions;

public static class LeakActionDefaults
{
    /// <summary>One action (a snapshot of a large process, say) may take this long before it is abandoned.</summary>
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromMinutes(2);
}
