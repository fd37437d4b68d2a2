namespace LeakWatch.Core.Rules;

/// <summary>
/// One leak rule. Defaults live in <see cref="RuleDefaults"/>, checks in <see cref="RuleValidator"/>; the built-in rules
/// (<see cref="RuleDefaults.BuiltIn"/>) are values of this type like any rule from a file or the command line.
/// </summary>
public sealed record RuleOptions
{
    /// <summary>The rule's name as it appears in the <c>rule</c> label and on the terminal.</summary>
    public required string Name { get; init; }

    public RuleKind Kind { get; init; } = RuleKind.Growth;

    /// <summary>The family the rule watches.</summary>
    public required string Series { get; init; }

    /// <summary>Only label sets carrying all of these pairs take part.</summary>
    public IReadOnlyDictionary<string, string> Match { get; init; } = RuleDefaults.NoMatch;

    public SeriesAggregation Aggregate { get; init; } = SeriesAggregation.None;

    /// <summary>Threshold rules: the value that must be exceeded.</summary>
    public double? Above { get; init; }

    /// <summary>Growth rules: the least least-squares slope (units per second) that counts as a leak.</summary>
    public double MinSlope { get; init; }

    /// <summary>Growth rules: the span of samples the slope is fitted over.</summary>
    public TimeSpan Window { get; init; } = RuleDefaults.Window;

    /// <summary>How long the condition must hold before the rule fires, and stay false before it clears.</summary>
    public TimeSpan For { get; init; } = RuleDefaults.GrowthFor;

    /// <summary>Growth rules: a slope must exceed the mean plus this many standard deviations of the healthy slopes.</summary>
    public double BaselineDeviations { get; init; } = RuleDefaults.BaselineDeviations;

    /// <summary>Growth rules: healthy time needed before the baseline takes part (until then the floor alone decides).</summary>
    public TimeSpan Warmup { get; init; } = RuleDefaults.Warmup;

    /// <summary>Growth rules: the window is cut into this many slices, whose medians must mostly rise.</summary>
    public int Slices { get; init; } = RuleDefaults.Slices;

    /// <summary>Growth rules: the share of slice-to-slice steps that must rise (by at least half the floor's worth).</summary>
    public double MinRisingFraction { get; init; } = RuleDefaults.MinRisingFraction;

    /// <summary>Read this instead while the process has never published <see cref="Series"/>.</summary>
    public SignalOptions? Fallback { get; init; }

    /// <summary>Growth rules: a second series that must be growing (above its own floor) at the same time.</summary>
    public SignalOptions? While { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Growth rules: slower spans judged beside the short one (<see cref="Window"/>, <see cref="MinSlope"/>), each with its
    /// own floor, robustness and baseline, for leaks too slow for the short floor. They watch the main series only.
    /// </summary>
    public IReadOnlyList<GrowthWindowOptions> LongWindows { get; init; } = [];

    /// <summary>Every span judged for <paramref name="signal"/>: the short one first, then (for the main series) the long ones.</summary>
    public IReadOnlyList<GrowthWindowOptions> GrowthWindows(SignalOptions signal)
    {
        var primary = new GrowthWindowOptions
        {
            Window = Window,
            MinSlope = signal.MinSlope,
            Slices = Slices,
            MinRisingFraction = MinRisingFraction,
            BaselineDeviations = BaselineDeviations,
            Warmup = Warmup,
            Resolution = TimeSpan.Zero,
        };
        return signal.Series == Series ? [primary, .. LongWindows] : [primary];
    }

    /// <summary>The main series as a <see cref="SignalOptions"/>, the shape the engine evaluates.</summary>
    public SignalOptions MainSignal => new() { Series = Series, Match = Match, Aggregate = Aggregate, MinSlope = MinSlope };
}
