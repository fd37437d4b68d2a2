using System.Text.Json;
using LeakWatch.Core;
using LeakWatch.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LeakWatch.Agent.Rules;

/// <summary>
/// Builds the one <see cref="RuleSetOptions"/> from its layers. Precedence, lowest first: built-in defaults, the rules
/// file, environment variables, command-line flags. A later layer's rule with the same name replaces the earlier one;
/// webhooks from a higher layer replace the lower layer's list. Any problem is one <see cref="LeakWatchException"/>.
/// </summary>
public static class RuleConfigurationLoader
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static RuleSetOptions Load(RuleSources flags, Func<string, string?> environment)
    {
        var noDefaults = flags.NoDefaultRules || IsTrue(environment(RuleEnvironment.NoDefaultRules));
        var options = new RuleSetOptions { Rules = noDefaults ? [] : RuleDefaults.BuiltIn };

        var file = flags.RulesFile ?? NullIfEmpty(environment(RuleEnvironment.RulesFile));
        if (file is not null)
        {
            var document = ReadFile(file);
            options = RulesDocumentBinder.Bind(document, options, out var errors);
            if (errors.Count > 0)
            {
                throw Invalid($"rules file {file}: {errors[0]}.");
            }
        }

        options = AddShortcuts(options, RuleShortcuts.SplitList(environment(RuleEnvironment.Thresholds)), RuleEnvironment.Thresholds, RuleShortcuts.TryParseThreshold);
        options = AddShortcuts(options, RuleShortcuts.SplitList(environment(RuleEnvironment.Growth)), RuleEnvironment.Growth, RuleShortcuts.TryParseGrowth);
        options = AddShortcuts(options, flags.Thresholds, "--threshold", RuleShortcuts.TryParseThreshold);
        options = AddShortcuts(options, flags.Growth, "--growth", RuleShortcuts.TryParseGrowth);

        var webhookTexts = flags.Webhooks.Count > 0 ? flags.Webhooks : RuleShortcuts.SplitList(environment(RuleEnvironment.Webhooks));
        if (webhookTexts.Count > 0)
        {
            var source = flags.Webhooks.Count > 0 ? "--webhook" : RuleEnvironment.Webhooks;
            options = options with { Webhooks = webhookTexts.Select(text => ParseWebhook(text, source)).ToList() };
        }

        if (RuleValidator.Validate(options) is { Count: > 0 } problems)
        {
            throw Invalid($"{problems[0]}.");
        }

        return options;
    }

    /// <summary>Reads a rules file: YAML for .yaml/.yml, JSON for .json, and otherwise whichever the first character suggests.</summary>
    public static RulesDocument ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Invalid($"rules file {path} cannot be read: {e.Message}");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        var json = extension == ".json" || (extension is not (".yaml" or ".yml") && text.TrimStart().StartsWith('{'));
        try
        {
            var document = json
                ? JsonSerializer.Deserialize<RulesDocument>(text, JsonOptions)
                : new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<RulesDocument>(text);
            return document ?? new RulesDocument();
        }
        catch (JsonException e)
        {
            throw Invalid($"rules file {path}: not valid JSON for leakwatch rules at {e.Path ?? "$"} (line {(e.LineNumber ?? 0) + 1}): {FirstLine(e.Message)}");
        }
        catch (YamlException e)
        {
            var message = e.InnerException is { } inner and not YamlException ? inner.Message : e.Message;
            throw Invalid($"rules file {path}: not valid YAML for leakwatch rules at line {e.Start.Line}, column {e.Start.Column}: {FirstLine(message)}");
        }
    }

    private delegate bool ShortcutParser(string text, out RuleOptions rule, out string error);

    private static RuleSetOptions AddShortcuts(RuleSetOptions options, IReadOnlyList<string> texts, string source, ShortcutParser parse)
    {
        if (texts.Count == 0)
        {
            return options;
        }

        var rules = options.Rules.ToList();
        foreach (var text in texts)
        {
            if (!parse(text, out var rule, out var error))
            {
                throw Invalid($"{source} {error}");
            }

            rules.RemoveAll(r => r.Name == rule.Name);
            rules.Add(rule);
        }

        return options with { Rules = rules };
    }

    private static WebhookOptions ParseWebhook(string text, string source) =>
        WebhookParser.TryParse(text, out var webhook, out var error) ? webhook : throw Invalid($"{source} {error}");

    private static LeakWatchException Invalid(string message) => new(ExitCode.InvalidConfiguration, message);

    private static bool IsTrue(string? text) => text?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string FirstLine(string text) => text.Split('\n')[0].Trim().TrimEnd('.');
}
