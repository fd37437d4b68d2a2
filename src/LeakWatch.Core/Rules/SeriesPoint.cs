namespace LeakWatch.Core.Rules;

/// <summary>One value of a series at the time the target measured it.</summary>
public readonly record struct SeriesPoint(DateTimeOffset Timestamp, double Value);
