namespace LeakWatch.TestApp;

/// <summary>The options every scenario accepts; each scenario picks its own defaults.</summary>
/// <param name="Rate">Items per second for scenarios that grow over time (<c>--rate</c>; fractions allowed, 0.2 is one every 5 s).</param>
/// <param name="Count">Population size for scenarios that build once and hold (<c>--count</c>).</param>
/// <param name="ExitAfter">Stop cleanly after this long (<c>--exit-after</c>); run until signalled when null.</param>
/// <param name="PauseMeterMilliseconds">Report every pause longer than this (<c>--pause-meter MS</c>); off when null.</param>
/// <param name="Chains">blocked-threads: pending chains instead of count x 10 (<c>--chains</c>).</param>
/// <param name="HeapMib">blocked-threads: extra live heap, in MiB of small objects (<c>--heap-mib</c>).</param>
internal sealed record ScenarioArgs(double? Rate, int? Count, TimeSpan? ExitAfter, int? PauseMeterMilliseconds = null, int? Chains = null, int? HeapMib = null)
{
    public static ScenarioArgs None { get; } = new(null, null, null);

    public double RateOr(double defaultRate) => Rate ?? defaultRate;

    public int CountOr(int defaultCount) => Count ?? defaultCount;
}
