using LeakWatch.Core.Naming;

namespace LeakWatch.Core.Rules;

/// <summary>Checks rules before they run, so a typo is a one-line error at start-up rather than a rule that never fires.</summary>
public static class RuleValidator
{
    public static IReadOnlyList<RuleError> Validate(RuleSetOptions options)
    {
        var errors = new List<RuleError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in options.Rules)
        {
            if (!seen.Add(rule.Name))
            {
                errors.Add(new RuleError(rule.Name, "name", "is used by two rules; names must be unique"));
            }

            errors.AddRange(Validate(rule));
        }

        var throttle = options.Throttle;
        if (throttle.Cooldown < TimeSpan.Zero)
        {
            errors.Add(new RuleError("(throttle)", "cooldown", "must not be negative"));
        }

        if (throttle.MaxActions < 1)
        {
            errors.Add(new RuleError("(throttle)", "maxActions", "must be at least 1"));
        }

        if (throttle.Per <= TimeSpan.Zero)
        {
            errors.Add(new RuleError("(throttle)", "per", "must be a positive duration such as 1h"));
        }

        return errors;
    }

    public static IEnumerable<RuleError> Validate(RuleOptions rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Any(char.IsWhiteSpace))
        {
            yield return new RuleError(rule.Name, "name", "must be a non-empty word without spaces, such as thread-leak");
        }

        foreach (var error in ValidateSignal(rule.Name, "series", rule.MainSignal, rule.Kind == RuleKind.Growth))
        {
            yield return error;
        }

        if (rule.Kind == RuleKind.Threshold)
        {
            if (rule.Above is not { } above || !double.IsFinite(above))
            {
                yield return new RuleError(rule.Name, "above", "is required for a threshold rule and must be a number");
            }

            if (rule.While is not null)
            {
                yield return new RuleError(rule.Name, "while", "applies to growth rules only");
            }
        }

        if (rule.For < TimeSpan.Zero)
        {
            yield return new RuleError(rule.Name, "for", "must not be negative");
        }

        if (rule.Kind == RuleKind.Growth)
        {
            if (rule.Window < TimeSpan.FromSeconds(2))
            {
                yield return new RuleError(rule.Name, "window", "must be at least 2s");
            }

            if (rule.Slices is < 2 or > 20)
            {
                yield return new RuleError(rule.Name, "slices", "must be between 2 and 20");
            }

            if (rule.MinRisingFraction is < 0 or > 1 || double.IsNaN(rule.MinRisingFraction))
            {
                yield return new RuleError(rule.Name, "minRisingFraction", "must be between 0 and 1");
            }

            if (rule.BaselineDeviations < 0 || !double.IsFinite(rule.BaselineDeviations))
            {
                yield return new RuleError(rule.Name, "baselineDeviations", "must be a number of at least 0");
            }

            if (rule.Warmup < TimeSpan.Zero)
            {
                yield return new RuleError(rule.Name, "warmup", "must not be negative");
            }
        }

        for (var i = 0; i < rule.LongWindows.Count; i++)
        {
            foreach (var error in ValidateLongWindow(rule, i))
            {
                yield return error;
            }
        }

        if (rule.Fallback is { } fallback)
        {
            foreach (var error in ValidateSignal(rule.Name, "fallback.series", fallback, rule.Kind == RuleKind.Growth))
            {
                yield return error;
            }
        }

        if (rule.While is { } companion)
        {
            foreach (var error in ValidateSignal(rule.Name, "while.series", companion, requireFloor: false))
            {
                yield return error;
            }
        }
    }

    private static IEnumerable<RuleError> ValidateLongWindow(RuleOptions rule, int index)
    {
        var span = rule.LongWindows[index];
        var field = $"longWindows[{index}]";
        if (rule.Kind != RuleKind.Growth)
        {
            yield return new RuleError(rule.Name, field, "applies to growth rules only");
            yield break;
        }

        if (span.Window <= rule.Window)
        {
            yield return new RuleError(rule.Name, field + ".window", $"must be longer than the rule's window ({Options.DurationParser.Format(rule.Window)})");
        }

        if (!double.IsFinite(span.MinSlope) || span.MinSlope <= 0)
        {
            yield return new RuleError(rule.Name, field + ".minSlope", "must be a positive rate per second, such as 0.1");
        }

        if (span.Slices is < 2 or > 20)
        {
            yield return new RuleError(rule.Name, field + ".slices", "must be between 2 and 20");
        }

        if (span.MinRisingFraction is < 0 or > 1 || double.IsNaN(span.MinRisingFraction))
        {
            yield return new RuleError(rule.Name, field + ".minRisingFraction", "must be between 0 and 1");
        }

        if (span.BaselineDeviations < 0 || !double.IsFinite(span.BaselineDeviations))
        {
            yield return new RuleError(rule.Name, field + ".baselineDeviations", "must be a number of at least 0");
        }

        if (span.EffectiveResolution < TimeSpan.Zero || span.EffectiveResolution.Ticks * span.Slices * 2 > span.Window.Ticks)
        {
            yield return new RuleError(rule.Name, field + ".resolution", "must leave at least two points per slice (at most window ÷ (2 × slices))");
        }
    }

    private static IEnumerable<RuleError> ValidateSignal(string rule, string field, SignalOptions signal, bool requireFloor)
    {
        if (string.IsNullOrWhiteSpace(signal.Series) || PrometheusNaming.Sanitize(signal.Series, allowColon: true) != signal.Series)
        {
            yield return new RuleError(rule, field, $"must be a Prometheus series name such as process_num_threads, not '{signal.Series}'");
        }

        var slopeField = field.Replace("series", "minSlope", StringComparison.Ordinal);
        if (!double.IsFinite(signal.MinSlope) || (requireFloor && signal.MinSlope <= 0) || signal.MinSlope < 0)
        {
            yield return new RuleError(rule, slopeField, requireFloor
                ? "must be a positive rate per second for a growth rule, such as 0.5"
                : "must be a number of at least 0");
        }
    }
}
