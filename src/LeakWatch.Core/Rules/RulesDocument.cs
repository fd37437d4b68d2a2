namespace LeakWatch.Core.Rules;

/// <summary>
/// The rules file as written (JSON or YAML, camelCase keys): every field optional and textual where people type
/// durations, so <see cref="RulesDocumentBinder"/> can name the exact field that is wrong.
/// </summary>
public sealed class RulesDocument
{
    /// <summary>False drops the built-in rules (like <c>--no-default-rules</c>).</summary>
    public bool? DefaultRules { get; set; }

    public List<RuleDocument>? Rules { get; set; }

    public ThrottleDocument? Throttle { get; set; }

    /// <summary>URLs, optionally prefixed with a format: <c>slack=https://hooks.slack.com/...</c>.</summary>
    public List<string>? Webhooks { get; set; }
}

public sealed class RuleDocument
{
    public string? Name { get; set; }

    public string? Kind { get; set; }

    public string? Series { get; set; }

    public Dictionary<string, string>? Match { get; set; }

    public string? Aggregate { get; set; }

    public double? Above { get; set; }

    public double? MinSlope { get; set; }

    public string? Window { get; set; }

    public string? For { get; set; }

    public double? BaselineDeviations { get; set; }

    public string? Warmup { get; set; }

    public int? Slices { get; set; }

    public double? MinRisingFraction { get; set; }

    public SignalDocument? Fallback { get; set; }

    public SignalDocument? While { get; set; }

    public bool? Enabled { get; set; }

    /// <summary>Replaces the rule's long spans; an empty list leaves only the short window.</summary>
    public List<WindowDocument>? LongWindows { get; set; }
}

/// <summary>One long span of a growth rule (see <see cref="GrowthWindowOptions"/>); window and minSlope are required.</summary>
public sealed class WindowDocument
{
    public string? Window { get; set; }

    public double? MinSlope { get; set; }

    public int? Slices { get; set; }

    public double? MinRisingFraction { get; set; }

    public double? BaselineDeviations { get; set; }

    public string? Warmup { get; set; }

    public string? Resolution { get; set; }
}

public sealed class SignalDocument
{
    public string? Series { get; set; }

    public Dictionary<string, string>? Match { get; set; }

    public string? Aggregate { get; set; }

    public double? MinSlope { get; set; }
}

public sealed class ThrottleDocument
{
    public string? Cooldown { get; set; }

    public int? MaxActions { get; set; }

    public string? Per { get; set; }
}
