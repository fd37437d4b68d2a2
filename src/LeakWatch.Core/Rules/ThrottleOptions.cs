namespace LeakWatch.Core.Rules;

/// <summary>
/// How often a rule's actions (snapshot, webhook) may run: never again within <see cref="Cooldown"/> of the last run,
/// and at most <see cref="MaxActions"/> runs in any <see cref="Per"/>. Triggers still count on /metrics when throttled.
/// </summary>
public sealed record ThrottleOptions
{
    public TimeSpan Cooldown { get; init; } = RuleDefaults.Cooldown;

    public int MaxActions { get; init; } = RuleDefaults.MaxActions;

    public TimeSpan Per { get; init; } = RuleDefaults.ActionWindow;
}
