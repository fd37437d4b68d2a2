namespace LeakWatch.Agent.Rules;

/// <summary>What the command line says about rules; null or empty means "not given", so lower layers apply.</summary>
public sealed record RuleSources
{
    public string? RulesFile { get; init; }

    public IReadOnlyList<string> Thresholds { get; init; } = [];

    public IReadOnlyList<string> Growth { get; init; } = [];

    public IReadOnlyList<string> Webhooks { get; init; } = [];

    public bool NoDefaultRules { get; init; }
}
