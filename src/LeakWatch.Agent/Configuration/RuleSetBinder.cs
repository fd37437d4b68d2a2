using LeakWatch.Core;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Configuration;

/// <summary>
/// The rules section of the options, from the merged configuration. Precedence, lowest first: built-in rules
/// (unless <c>--no-default-rules</c> or <c>defaultRules: false</c>), the config file's rules document, the rules file,
/// then the shortcuts (<c>thresholds</c>/<c>growth</c>) of the file, the environment and the flags, a later rule with
/// the same name replacing the earlier one. Webhooks: the highest source that gives any; a rules file's webhooks add
/// to the config file's.
/// </summary>
public static class RuleSetBinder
{
    private delegate bool ShortcutParser(string text, out RuleOptions rule, out string error);

    public static RuleSetOptions Bind(AgentConfiguration configuration, RulesDocument? rulesFile, string? rulesFilePath)
    {
        var resolved = configuration.Resolved;
        var noDefaults = resolved.TryGetValue(AgentSettings.NoDefaultRules.Key, out var flag) && SettingValue.ParseBoolean(flag.Value);
        var webhooks = resolved.GetValueOrDefault(AgentSettings.Webhooks.Key);
        var options = new RuleSetOptions
        {
            Rules = noDefaults ? [] : RuleDefaults.BuiltIn,
            Webhooks = webhooks is { Source.Kind: ConfigurationSourceKind.File } ? ParseWebhooks(webhooks.Value) : [],
        };

        foreach (var file in configuration.Layers.Where(l => l.Rules is not null).Reverse())
        {
            options = BindDocument(options, file.Rules!, $"config file {file.FilePath}");
        }

        if (rulesFile is not null)
        {
            options = BindDocument(options, rulesFile, $"rules file {rulesFilePath}");
        }

        foreach (var layer in configuration.Layers.Reverse())
        {
            options = AddShortcuts(options, layer, AgentSettings.Thresholds, RuleShortcuts.TryParseThreshold);
            options = AddShortcuts(options, layer, AgentSettings.Growth, RuleShortcuts.TryParseGrowth);
        }

        if (webhooks is { Source.Kind: not ConfigurationSourceKind.File })
        {
            options = options with { Webhooks = ParseWebhooks(webhooks.Value) };
        }

        if (RuleValidator.Validate(options) is { Count: > 0 } problems)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{problems[0]}.");
        }

        return options;
    }

    private static RuleSetOptions BindDocument(RuleSetOptions options, RulesDocument document, string source)
    {
        var bound = RulesDocumentBinder.Bind(document, options, out var errors);
        return errors.Count == 0 ? bound : throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{source}: {errors[0]}.");
    }

    /// <summary>Shortcuts were checked when the configuration was bound; here they become rules.</summary>
    private static RuleSetOptions AddShortcuts(RuleSetOptions options, ConfigurationLayer layer, AgentSetting setting, ShortcutParser parse)
    {
        if (!layer.Values.TryGetValue(setting.Key, out var raw))
        {
            return options;
        }

        var rules = options.Rules.ToList();
        foreach (var text in setting.Items(raw))
        {
            if (parse(text, out var rule, out _))
            {
                rules.RemoveAll(r => r.Name == rule.Name);
                rules.Add(rule);
            }
        }

        return options with { Rules = rules };
    }

    private static List<WebhookOptions> ParseWebhooks(string raw) =>
        SettingValue.SplitList(raw).Select(text => WebhookParser.TryParse(text, out var webhook, out _) ? webhook : null).OfType<WebhookOptions>().ToList();
}
