using System.Globalization;

namespace LeakWatch.Core.Samples;

/// <summary>One quantile of a histogram's last interval: <c>0.99</c> → 0.0123 seconds.</summary>
public readonly record struct QuantileValue(double Quantile, double Value);

/// <summary>
/// A histogram instrument's HistogramValuePublished event, fields as the System.Diagnostics.Metrics EventSource
/// sends them: quantiles of the last interval as "0.5=v;0.95=v;0.99=v" (empty when nothing was recorded), and,
/// from .NET 8 on, the interval's count and sum (null on older event versions).
/// </summary>
public sealed record HistogramMeasurement(
    DateTimeOffset Timestamp,
    string MeterName,
    string InstrumentName,
    string? Unit,
    string? Tags,
    string? Quantiles,
    int? IntervalCount,
    double? IntervalSum);

/// <summary>
/// One interval of one histogram series, named for Prometheus. The EventSource resets its aggregation after each
/// interval, so count and sum are for that interval only; <see cref="SummaryStore"/> adds them up into totals.
/// </summary>
public sealed record HistogramSample(
    string Name,
    LabelSet Labels,
    string Help,
    IReadOnlyList<QuantileValue> Quantiles,
    int? IntervalCount,
    double? IntervalSum,
    DateTimeOffset Timestamp)
{
    /// <summary>"0.5=1.5;0.95=2;0.99=3" → three values; malformed parts are skipped.</summary>
    public static IReadOnlyList<QuantileValue> ParseQuantiles(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var values = new List<QuantileValue>(3);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0
                && double.TryParse(part.AsSpan(0, equals), NumberStyles.Float, CultureInfo.InvariantCulture, out var quantile)
                && double.TryParse(part.AsSpan(equals + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values.Add(new QuantileValue(quantile, value));
            }
        }

        return values;
    }
}
