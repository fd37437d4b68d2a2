using LeakWatch.Core.Options;

namespace LeakWatch.Core.Rules;

/// <summary>
/// A growth window needs enough samples to fit a slope and cut slices: two per slice. With a slow sampling interval
/// (<c>--interval 5s</c>) a 20 s window would never fill, and the rule would silently never fire; this widens it instead
/// and says so.
/// </summary>
public static class RuleIntervalFit
{
    public static RuleSetOptions Fit(RuleSetOptions options, TimeSpan interval, out IReadOnlyList<string> notes)
    {
        var changes = new List<string>();
        var rules = options.Rules.Select(rule =>
        {
            var needed = TimeSpan.FromTicks(interval.Ticks * ((rule.Slices * 2) - 1));
            if (rule.Kind != RuleKind.Growth || !rule.Enabled || rule.Window >= needed)
            {
                return rule;
            }

            changes.Add($"rule '{rule.Name}': window widened from {DurationParser.Format(rule.Window)} to {DurationParser.Format(needed)} to hold {rule.Slices * 2} samples at --interval {DurationParser.Format(interval)}.");
            return rule with { Window = needed };
        }).ToList();
        notes = changes;
        return options with { Rules = rules };
    }
}
