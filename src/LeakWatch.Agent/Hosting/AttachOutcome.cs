namespace LeakWatch.Agent.Hosting;

/// <summary>Why an attach ended.</summary>
public enum AttachOutcome
{
    TargetExited,
    DurationElapsed,
    Stopped,
}
