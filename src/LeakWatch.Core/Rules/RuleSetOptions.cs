namespace LeakWatch.Core.Rules;

/// <summary>Everything the rules feature needs, merged from defaults, a rules file, environment variables and flags.</summary>
public sealed record RuleSetOptions
{
    public IReadOnlyList<RuleOptions> Rules { get; init; } = RuleDefaults.BuiltIn;

    public ThrottleOptions Throttle { get; init; } = new();

    public IReadOnlyList<WebhookOptions> Webhooks { get; init; } = [];

    /// <summary>Rules that are switched on.</summary>
    public IEnumerable<RuleOptions> ActiveRules => Rules.Where(r => r.Enabled);
}
