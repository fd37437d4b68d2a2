namespace LeakWatch.Agent.Rules;

/// <summary>The environment variables the rules read (the sidecar is configured this way). Documented in docs/rules.md.</summary>
public static class RuleEnvironment
{
    public const string RulesFile = "LEAKWATCH_RULES_FILE";
    public const string Thresholds = "LEAKWATCH_THRESHOLDS";
    public const string Growth = "LEAKWATCH_GROWTH";
    public const string Webhooks = "LEAKWATCH_WEBHOOKS";
    public const string NoDefaultRules = "LEAKWATCH_NO_DEFAULT_RULES";
}
