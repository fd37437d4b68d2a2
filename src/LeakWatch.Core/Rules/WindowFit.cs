namespace LeakWatch.Core.Rules;

/// <summary>
/// What a full window says about a series: the least-squares slope of every point, the trend of the slice medians
/// (which one spike cannot move), how many slice-to-slice steps rose by a meaningful amount, and whether the newest
/// step did (a span that only now covers a leak that has stopped must not report it as a new one).
/// </summary>
public sealed record WindowFit(double Value, double Slope, double Trend, double RisingFraction, TimeSpan Span, bool LastStepRises = true);
