using System.Globalization;
using LeakWatch.Core.Options;
using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Rules;

/// <summary>What a rule concluded about one series of one process at one sample.</summary>
/// <param name="Signal">The family the verdict is about (a rule's fallback family when that was read instead).</param>
/// <param name="Labels">The series' labels; empty when the rule sums a family.</param>
/// <param name="Slope">Least-squares slope over the window, units per second.</param>
/// <param name="Trend">Slope of the slice medians, units per second (what the baseline compares).</param>
/// <param name="BaselineLimit">mean + k·σ of the healthy trends, or null while the baseline is warming up.</param>
public sealed record RuleVerdict(
    string Rule,
    RuleKind RuleKind,
    VerdictKind Kind,
    int Pid,
    string Signal,
    LabelSet Labels,
    DateTimeOffset Timestamp,
    double Value,
    double Slope,
    double Trend,
    TimeSpan Window,
    double? Threshold,
    double? BaselineLimit)
{
    /// <summary>The series as Prometheus would show it: <c>name</c> or <c>name{label="value"}</c>.</summary>
    public string SeriesText => Labels.Count == 0 ? Signal : Signal + Labels;

    /// <summary>One line for the terminal: rule, series, value, slope, window.</summary>
    public string Describe()
    {
        var value = Value.ToString("0.##", CultureInfo.InvariantCulture);
        var slope = Slope.ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture);
        var window = DurationParser.Format(Window);
        var condition = RuleKind == RuleKind.Threshold
            ? $"above {Threshold?.ToString("0.##", CultureInfo.InvariantCulture)} (slope {slope}/s over {window})"
            : $"rising {slope}/s over {window}" +
              (BaselineLimit is { } limit ? $" (healthy baseline up to {limit.ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture)}/s)" : "");
        return Kind switch
        {
            VerdictKind.Cleared => $"leak rule '{Rule}' cleared for pid {Pid}: {SeriesText} = {value}, slope {slope}/s over {window}",
            _ => $"leak suspected: rule '{Rule}' on pid {Pid}: {SeriesText} = {value}, {condition}",
        };
    }
}
