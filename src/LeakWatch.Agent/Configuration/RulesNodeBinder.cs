using System.Globalization;
using LeakWatch.Core;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Configuration;

/// <summary>
/// Binds the rules document (<c>defaultRules</c>, <c>rules</c>, <c>throttle</c>, <c>webhooks</c>) from a file's tree
/// into a <see cref="RulesDocument"/>. Only the shape is checked here, naming the exact node
/// (<c>rules file r.yaml: 'rules[0].windw' is not a rule field</c>); values are judged by
/// <see cref="RulesDocumentBinder"/>, which names the rule and the field.
/// </summary>
public static class RulesNodeBinder
{
    private static readonly Dictionary<string, Action<RuleDocument, ConfigNode, string>> RuleFields = new(StringComparer.Ordinal)
    {
        ["name"] = (r, n, s) => r.Name = Text(n, s),
        ["kind"] = (r, n, s) => r.Kind = Text(n, s),
        ["series"] = (r, n, s) => r.Series = Text(n, s),
        ["match"] = (r, n, s) => r.Match = Map(n, s),
        ["aggregate"] = (r, n, s) => r.Aggregate = Text(n, s),
        ["above"] = (r, n, s) => r.Above = Number(n, s),
        ["minSlope"] = (r, n, s) => r.MinSlope = Number(n, s),
        ["window"] = (r, n, s) => r.Window = Text(n, s),
        ["for"] = (r, n, s) => r.For = Text(n, s),
        ["baselineDeviations"] = (r, n, s) => r.BaselineDeviations = Number(n, s),
        ["warmup"] = (r, n, s) => r.Warmup = Text(n, s),
        ["slices"] = (r, n, s) => r.Slices = Whole(n, s),
        ["minRisingFraction"] = (r, n, s) => r.MinRisingFraction = Number(n, s),
        ["fallback"] = (r, n, s) => r.Fallback = Signal(n, s),
        ["while"] = (r, n, s) => r.While = Signal(n, s),
        ["enabled"] = (r, n, s) => r.Enabled = Boolean(n, s),
    };

    private static readonly Dictionary<string, Action<SignalDocument, ConfigNode, string>> SignalFields = new(StringComparer.Ordinal)
    {
        ["series"] = (d, n, s) => d.Series = Text(n, s),
        ["match"] = (d, n, s) => d.Match = Map(n, s),
        ["aggregate"] = (d, n, s) => d.Aggregate = Text(n, s),
        ["minSlope"] = (d, n, s) => d.MinSlope = Number(n, s),
    };

    private static readonly Dictionary<string, Action<ThrottleDocument, ConfigNode, string>> ThrottleFields = new(StringComparer.Ordinal)
    {
        ["cooldown"] = (d, n, s) => d.Cooldown = Text(n, s),
        ["maxActions"] = (d, n, s) => d.MaxActions = Whole(n, s),
        ["per"] = (d, n, s) => d.Per = Text(n, s),
    };

    private static readonly Dictionary<string, Action<RulesDocument, ConfigNode, string>> DocumentFields = new(StringComparer.Ordinal)
    {
        ["defaultRules"] = (d, n, s) => d.DefaultRules = Boolean(n, s),
        ["rules"] = (d, n, s) => d.Rules = Items(n, s).Select(item => Fill(new RuleDocument(), item, RuleFields, "rule field", s)).ToList(),
        ["throttle"] = (d, n, s) => d.Throttle = Fill(new ThrottleDocument(), n, ThrottleFields, "throttle field", s),
        ["webhooks"] = (d, n, s) => d.Webhooks = n is ConfigScalar { Value: { } list } ? [.. SettingValue.SplitList(list)] : Items(n, s).Select(item => Text(item, s) ?? "").ToList(),
    };

    /// <param name="source">How messages name the file: "rules file /etc/r.yaml".</param>
    public static RulesDocument Bind(ConfigMapping root, string source) => Fill(new RulesDocument(), root, DocumentFields, "rules setting", source);

    private static T Fill<T>(T target, ConfigNode node, Dictionary<string, Action<T, ConfigNode, string>> fields, string what, string source)
    {
        if (node is not ConfigMapping mapping)
        {
            throw Invalid(source, node, "must be a mapping of fields");
        }

        foreach (var (key, value) in mapping.Entries)
        {
            if (!fields.TryGetValue(key, out var bind))
            {
                throw new LeakWatchException(ExitCode.InvalidConfiguration,
                    $"{source}: {value.Describe()} is not a {what}: use one of {string.Join(", ", fields.Keys)}.");
            }

            bind(target, value, source);
        }

        return target;
    }

    private static IReadOnlyList<ConfigNode> Items(ConfigNode node, string source) =>
        node as ConfigSequence is { } sequence ? sequence.Items : throw Invalid(source, node, "must be a list");

    private static string? Text(ConfigNode node, string source) =>
        node is ConfigScalar scalar ? scalar.Value : throw Invalid(source, node, "must be a single value");

    private static Dictionary<string, string> Map(ConfigNode node, string source) =>
        node is ConfigMapping mapping
            ? mapping.Entries.ToDictionary(e => e.Key, e => Text(e.Value, source) ?? "", StringComparer.Ordinal)
            : throw Invalid(source, node, "must be a mapping of label names to values");

    private static SignalDocument Signal(ConfigNode node, string source) => Fill(new SignalDocument(), node, SignalFields, "signal field", source);

    private static double? Number(ConfigNode node, string source) =>
        Text(node, source) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw Invalid(source, node, $"must be a number, not '{text}'");

    private static int? Whole(ConfigNode node, string source) =>
        Text(node, source) is not { } text ? null
        : SettingValue.TryParseCount(text, out var value) ? value
        : throw Invalid(source, node, $"must be a whole number, not '{text}'");

    private static bool? Boolean(ConfigNode node, string source) =>
        Text(node, source) is not { } text ? null
        : SettingValue.TryParseBoolean(text, out var value) ? value
        : throw Invalid(source, node, $"must be true or false, not '{text}'");

    private static LeakWatchException Invalid(string source, ConfigNode node, string problem) =>
        new(ExitCode.InvalidConfiguration, $"{source}: {node.Describe()} {problem}.");
}
