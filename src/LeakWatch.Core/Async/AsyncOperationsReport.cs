using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Async;

/// <summary>What one report of the async signal says.</summary>
/// <param name="Samples">Current values, to deliver like any other sample.</param>
/// <param name="EndedSeries">Series exported before that must disappear: a method left the top N, or the counts were reset.</param>
public sealed record AsyncOperationsReport(IReadOnlyList<MetricSample> Samples, IReadOnlyList<(string Name, LabelSet Labels)> EndedSeries);
