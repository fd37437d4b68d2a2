using LeakWatch.Core.Options;

namespace LeakWatch.Core.Rules;

/// <summary>
/// Turns a <see cref="RulesDocument"/> into options. An entry named like a built-in rule changes only the fields it
/// gives; any other entry is a new rule and needs at least a series. Errors name the rule and the field.
/// </summary>
public static class RulesDocumentBinder
{
    public static RuleSetOptions Bind(RulesDocument document, RuleSetOptions start, out IReadOnlyList<RuleError> errors)
    {
        var problems = new List<RuleError>();
        var rules = (document.DefaultRules == false ? [] : start.Rules).ToList();
        var index = 0;
        foreach (var entry in document.Rules ?? [])
        {
            index++;
            var name = string.IsNullOrWhiteSpace(entry.Name) ? $"#{index}" : entry.Name.Trim();
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                problems.Add(new RuleError(name, "name", "is required"));
                continue;
            }

            var existing = rules.FindIndex(r => r.Name == name);
            var baseRule = existing >= 0 ? rules[existing] : null;
            if (baseRule is null && string.IsNullOrWhiteSpace(entry.Series))
            {
                problems.Add(new RuleError(name, "series", "is required for a rule that is not built in"));
                continue;
            }

            var rule = BindRule(entry, name, baseRule ?? new RuleOptions { Name = name, Series = entry.Series!.Trim() }, problems);
            if (existing >= 0)
            {
                rules[existing] = rule;
            }
            else
            {
                rules.Add(rule);
            }
        }

        var throttle = start.Throttle;
        if (document.Throttle is { } t)
        {
            throttle = throttle with
            {
                Cooldown = Duration(t.Cooldown, "(throttle)", "cooldown", throttle.Cooldown, problems),
                MaxActions = t.MaxActions ?? throttle.MaxActions,
                Per = Duration(t.Per, "(throttle)", "per", throttle.Per, problems),
            };
        }

        var webhooks = start.Webhooks.ToList();
        foreach (var text in document.Webhooks ?? [])
        {
            if (WebhookParser.TryParse(text, out var webhook, out var error))
            {
                webhooks.Add(webhook);
            }
            else
            {
                problems.Add(new RuleError("(webhooks)", "webhooks", error));
            }
        }

        var options = new RuleSetOptions { Rules = rules, Throttle = throttle, Webhooks = webhooks };
        problems.AddRange(RuleValidator.Validate(options));
        errors = problems;
        return options;
    }

    private static RuleOptions BindRule(RuleDocument entry, string name, RuleOptions rule, List<RuleError> problems)
    {
        var kind = entry.Kind is null ? rule.Kind : Enum<RuleKind>(entry.Kind, name, "kind", rule.Kind, problems);
        return rule with
        {
            Kind = kind,
            Series = entry.Series?.Trim() ?? rule.Series,
            Match = entry.Match ?? rule.Match,
            Aggregate = entry.Aggregate is null ? rule.Aggregate : Enum<SeriesAggregation>(entry.Aggregate, name, "aggregate", rule.Aggregate, problems),
            Above = entry.Above ?? rule.Above,
            MinSlope = entry.MinSlope ?? rule.MinSlope,
            Window = Duration(entry.Window, name, "window", rule.Window, problems),
            For = Duration(entry.For, name, "for", entry.Kind is not null && kind == RuleKind.Threshold && rule.Kind != kind ? RuleDefaults.ThresholdFor : rule.For, problems),
            BaselineDeviations = entry.BaselineDeviations ?? rule.BaselineDeviations,
            Warmup = Duration(entry.Warmup, name, "warmup", rule.Warmup, problems),
            Slices = entry.Slices ?? rule.Slices,
            MinRisingFraction = entry.MinRisingFraction ?? rule.MinRisingFraction,
            Fallback = entry.Fallback is null ? rule.Fallback : Signal(entry.Fallback, rule.Fallback, name, "fallback", problems),
            While = entry.While is null ? rule.While : Signal(entry.While, rule.While, name, "while", problems),
            Enabled = entry.Enabled ?? rule.Enabled,
            LongWindows = entry.LongWindows is null ? rule.LongWindows : LongWindows(entry.LongWindows, name, problems),
        };
    }

    private static List<GrowthWindowOptions> LongWindows(List<WindowDocument> entries, string rule, List<RuleError> problems)
    {
        var spans = new List<GrowthWindowOptions>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var field = $"longWindows[{i}]";
            if (entry.Window is null || entry.MinSlope is null)
            {
                problems.Add(new RuleError(rule, field, "needs both window and minSlope, such as { window: 5m, minSlope: 0.1 }"));
                continue;
            }

            var defaults = new GrowthWindowOptions { Window = TimeSpan.Zero, MinSlope = 0 };
            spans.Add(new GrowthWindowOptions
            {
                Window = Duration(entry.Window, rule, field + ".window", TimeSpan.Zero, problems),
                MinSlope = entry.MinSlope.Value,
                Slices = entry.Slices ?? defaults.Slices,
                MinRisingFraction = entry.MinRisingFraction ?? defaults.MinRisingFraction,
                BaselineDeviations = entry.BaselineDeviations ?? defaults.BaselineDeviations,
                Warmup = entry.Warmup is null ? null : Duration(entry.Warmup, rule, field + ".warmup", TimeSpan.Zero, problems),
                Resolution = entry.Resolution is null ? null : Duration(entry.Resolution, rule, field + ".resolution", TimeSpan.Zero, problems),
            });
        }

        return spans;
    }

    private static SignalOptions? Signal(SignalDocument entry, SignalOptions? current, string rule, string field, List<RuleError> problems)
    {
        var series = entry.Series?.Trim() ?? current?.Series;
        if (string.IsNullOrWhiteSpace(series))
        {
            problems.Add(new RuleError(rule, field + ".series", "is required"));
            return current;
        }

        return new SignalOptions
        {
            Series = series,
            Match = entry.Match ?? current?.Match ?? RuleDefaults.NoMatch,
            Aggregate = entry.Aggregate is null
                ? current?.Aggregate ?? SeriesAggregation.None
                : Enum(entry.Aggregate, rule, field + ".aggregate", SeriesAggregation.None, problems),
            MinSlope = entry.MinSlope ?? current?.MinSlope ?? 0,
        };
    }

    private static TimeSpan Duration(string? text, string rule, string field, TimeSpan current, List<RuleError> problems)
    {
        if (text is null)
        {
            return current;
        }

        if (DurationParser.TryParse(text, out var duration))
        {
            return duration;
        }

        problems.Add(new RuleError(rule, field, $"must be a duration such as 20s, 500ms or 5m, not '{text}'"));
        return current;
    }

    private static T Enum<T>(string text, string rule, string field, T current, List<RuleError> problems)
        where T : struct, Enum
    {
        if (System.Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !char.IsDigit(text.Trim()[0]))
        {
            return value;
        }

        var choices = string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        problems.Add(new RuleError(rule, field, $"must be one of {choices}, not '{text}'"));
        return current;
    }
}
