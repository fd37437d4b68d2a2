using LeakWatch.Core;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Configuration;

/// <summary>
/// Reads the agent's config file (<c>--config FILE</c> or LEAKWATCH_CONFIG) and the rules file (<c>--rules FILE</c>),
/// both through <see cref="ConfigTreeReader"/> (bounded, YAML or JSON). The config file is a mapping of the keys in
/// docs/configuration.md plus the rules document's <c>rules</c>, <c>throttle</c> and <c>defaultRules</c>; the rules
/// file holds only the rules document (docs/rules.md). Lists may be sequences or "a,b" strings; labels also a mapping
/// (<c>labels: {service: orders}</c>). An unknown key is an error, so a misspelt setting is never silently ignored.
/// </summary>
public static class ConfigFileReader
{
    private const string ConfigFile = "config file";
    private const string RulesFile = "rules file";

    public static ConfigurationLayer Read(string path) => Parse(ConfigTreeReader.ReadBounded(path, ConfigFile), path);

    public static ConfigurationLayer Parse(string text, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var ruleKeys = new List<KeyValuePair<string, ConfigNode>>();
        foreach (var (key, node) in RootEntries(ConfigTreeReader.Parse(text, path, ConfigFile), path, ConfigFile))
        {
            if (AgentSettings.ByFileKey(key) is { } setting)
            {
                values[setting.Key] = ValueText(setting, node, path);
            }
            else if (AgentSettings.RuleDocumentKeys.Contains(key))
            {
                ruleKeys.Add(KeyValuePair.Create(key, node));
            }
            else
            {
                var known = AgentSettings.Known.Where(s => s.InFile).Select(s => s.Key).Concat(AgentSettings.RuleDocumentKeys).Distinct();
                throw Invalid($"'{key}' in {path} is not a setting: use one of {string.Join(", ", known)}.");
            }
        }

        return new ConfigurationLayer(ConfigurationSourceKind.File, values, path)
        {
            Rules = ruleKeys.Count == 0 ? null : RulesNodeBinder.Bind(new ConfigMapping("", ruleKeys), $"{ConfigFile} {path}"),
        };
    }

    /// <summary>A <c>--rules</c> file: the rules document alone.</summary>
    public static RulesDocument ReadRules(string path)
    {
        var entries = RootEntries(ConfigTreeReader.Read(path, RulesFile), path, RulesFile);
        foreach (var (key, _) in entries.Where(e => !AgentSettings.RuleDocumentKeys.Contains(e.Key)))
        {
            throw Invalid($"rules file {path}: '{key}' is not a rules setting: use one of {string.Join(", ", AgentSettings.RuleDocumentKeys)}.");
        }

        return RulesNodeBinder.Bind(new ConfigMapping("", entries), $"{RulesFile} {path}");
    }

    private static IReadOnlyList<KeyValuePair<string, ConfigNode>> RootEntries(ConfigNode? root, string path, string what) => root switch
    {
        null or ConfigScalar { Value: null or "" } => [],
        ConfigMapping mapping => mapping.Entries,
        _ => throw Invalid($"{what} {path} must hold a mapping of settings (such as 'interval: 5s'), not a list or a value."),
    };

    private static string ValueText(AgentSetting setting, ConfigNode node, string path) => node switch
    {
        ConfigScalar scalar => scalar.Value ?? "",
        ConfigSequence sequence when setting.IsList => string.Join(',', sequence.Items.Select(child => Scalar(setting, child, path))),
        ConfigMapping mapping when setting == AgentSettings.Labels =>
            string.Join(',', mapping.Entries.Select(pair => $"{pair.Key}={Scalar(setting, pair.Value, path)}")),
        _ => throw Invalid($"'{setting.Key}' in {path} must be {(setting.IsList ? "a list or a value" : "a single value")}."),
    };

    private static string Scalar(AgentSetting setting, ConfigNode node, string path) =>
        (node as ConfigScalar)?.Value
        ?? throw Invalid($"'{setting.Key}' in {path} must hold plain values, not nested lists or mappings.");

    private static LeakWatchException Invalid(string message) => new(ExitCode.InvalidConfiguration, message);
}
