namespace LeakWatch.Core.Rules;

/// <summary>
/// One span a growth rule judges, with its own floor, robustness and baseline. A rule's own fields (<c>window</c>,
/// <c>minSlope</c>, ...) are its first, short window; <see cref="RuleOptions.LongWindows"/> adds slower ones, which
/// catch leaks too slow for the short floor. docs/rules.md explains the built-in spans.
/// </summary>
public sealed record GrowthWindowOptions
{
    /// <summary>The span of samples the slope is fitted over.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>The least slope (units per second) that counts as a leak over this span.</summary>
    public required double MinSlope { get; init; }

    /// <summary>Ten for a long span (<see cref="RuleDefaults.LongWindowSlices"/>): see there why.</summary>
    public int Slices { get; init; } = RuleDefaults.LongWindowSlices;

    public double MinRisingFraction { get; init; } = RuleDefaults.MinRisingFraction;

    public double BaselineDeviations { get; init; } = RuleDefaults.BaselineDeviations;

    /// <summary>Healthy time before this span's baseline takes part; null: twice the span.</summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>
    /// Samples are kept as one median point per this much time, which bounds memory (about
    /// <see cref="RuleDefaults.LongWindowPoints"/> points whatever the span) and takes single spikes out.
    /// Null: the span divided by <see cref="RuleDefaults.LongWindowPoints"/>. Zero: every sample.
    /// </summary>
    public TimeSpan? Resolution { get; init; }

    public TimeSpan EffectiveWarmup => Warmup ?? TimeSpan.FromTicks(Window.Ticks * 2);

    public TimeSpan EffectiveResolution => Resolution ?? TimeSpan.FromTicks(Window.Ticks / RuleDefaults.LongWindowPoints);

    /// <summary>
    /// A silence longer than this restarts the span. One slice: a shorter hole (a snapshot's pause, a restarted
    /// session) can only make a step, and a step rises in one slice, which the rising-fraction test does not take for
    /// a leak. The short window restarts on any gap (<see cref="RuleDefaults.GapIntervals"/> intervals).
    /// </summary>
    public TimeSpan? MaxGap => Resolution == TimeSpan.Zero ? null : TimeSpan.FromTicks(Window.Ticks / Slices);
}
