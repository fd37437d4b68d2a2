using System.Globalization;

namespace LeakWatch.Core.Rules;

/// <summary>
/// Command-line and environment shortcuts: <c>SERIES=VALUE</c> makes a threshold rule named <c>threshold-SERIES</c>,
/// <c>SERIES=RATE</c> a growth rule named <c>growth-SERIES</c> (rate in units per second).
/// </summary>
public static class RuleShortcuts
{
    public static bool TryParseThreshold(string text, out RuleOptions rule, out string error) =>
        TryParse(text, "threshold", out rule, out error, (series, value) => new RuleOptions
        {
            Name = $"threshold-{series}",
            Kind = RuleKind.Threshold,
            Series = series,
            Above = value,
            For = RuleDefaults.ThresholdFor,
        });

    public static bool TryParseGrowth(string text, out RuleOptions rule, out string error) =>
        TryParse(text, "growth", out rule, out error, (series, value) => new RuleOptions
        {
            Name = $"growth-{series}",
            Series = series,
            MinSlope = value,
        });

    private static bool TryParse(string text, string kind, out RuleOptions rule, out string error, Func<string, double, RuleOptions> create)
    {
        rule = null!;
        var equals = text.LastIndexOf('=');
        var series = equals > 0 ? text[..equals].Trim() : "";
        var number = equals > 0 ? text[(equals + 1)..].Trim() : "";
        if (series.Length == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            error = kind == "threshold"
                ? $"'{text}' is not SERIES=VALUE (for example process_num_threads=500)."
                : $"'{text}' is not SERIES=RATE per second (for example process_num_threads=0.5).";
            return false;
        }

        rule = create(series, value);
        var problem = RuleValidator.Validate(rule).FirstOrDefault();
        error = problem is null ? "" : $"'{text}': {problem.Field} {problem.Problem}.";
        return problem is null;
    }
}
