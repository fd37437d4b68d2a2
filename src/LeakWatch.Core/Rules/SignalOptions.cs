namespace LeakWatch.Core.Rules;

/// <summary>
/// A series a rule reads: a family name, an optional label filter, and how label sets combine. Used for a rule's
/// fallback (read when the main series is absent) and its companion condition (must grow at the same time).
/// </summary>
public sealed record SignalOptions
{
    /// <summary>The Prometheus family name, for example <c>dotnet_thread_pool_thread_count</c>.</summary>
    public required string Series { get; init; }

    /// <summary>Only label sets carrying all of these pairs take part.</summary>
    public IReadOnlyDictionary<string, string> Match { get; init; } = RuleDefaults.NoMatch;

    public SeriesAggregation Aggregate { get; init; } = SeriesAggregation.None;

    /// <summary>The least slope, in units per second, that counts as growth (the floor).</summary>
    public double MinSlope { get; init; }
}
