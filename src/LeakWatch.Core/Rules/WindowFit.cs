namespace LeakWatch.Core.Rules;

/// <summary>
/// What a full window says about a series: the least-squares slope of every point, the trend of the slice medians
/// (which one spike cannot move), and how many slice-to-slice steps rose by a meaningful amount.
/// </summary>
public sealed record WindowFit(double Value, double Slope, double Trend, double RisingFraction, TimeSpan Span);
