namespace LeakWatch.Core.Rules;

/// <summary>What a rule looks for in its series.</summary>
public enum RuleKind
{
    /// <summary>The value stays above <see cref="RuleOptions.Above"/> for <see cref="RuleOptions.For"/>.</summary>
    Threshold,

    /// <summary>The series climbs steadily, faster than its floor and faster than its own healthy baseline.</summary>
    Growth,
}
