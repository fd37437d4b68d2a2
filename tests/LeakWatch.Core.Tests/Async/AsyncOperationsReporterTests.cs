using LeakWatch.Core.Async;
using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Tests.Async;

public class AsyncOperationsReporterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static AsyncTrackingSnapshot Snapshot(long generation, params (string Key, long Pending, long Started)[] methods) =>
        new(methods.Select(m => new AsyncMethodCount(m.Key, m.Pending, m.Started)).ToList(), Start, generation,
            new Dictionary<TrackingResetReason, long>(), 0, null);

    private static Dictionary<string, double> Values(AsyncOperationsReport report, string metric) =>
        report.Samples.Where(s => s.Name == metric).ToDictionary(s => s.Labels[AsyncOperationMetrics.MethodLabel]!, s => s.Value);

    private static AsyncOperationsReporter NewReporter(int top, Func<string, string>? names = null) =>
        new(new AsyncTrackingOptions { TopMethods = top }, names ?? (key => key));

    [Fact]
    public void Exports_the_top_methods_by_pending_and_sums_the_rest_as_other()
    {
        var reporter = NewReporter(top: 2);

        var report = reporter.Report(Snapshot(0, ("A", 1, 100), ("Leak", 400, 400), ("B", 3, 50), ("C", 0, 7)), Start);

        Assert.Equal(new Dictionary<string, double> { ["Leak"] = 400, ["B"] = 3, ["other"] = 1 }, Values(report, AsyncOperationMetrics.Pending));
        Assert.Equal(new Dictionary<string, double> { ["Leak"] = 400, ["B"] = 50, ["other"] = 107 }, Values(report, AsyncOperationMetrics.Started));
        Assert.Empty(report.EndedSeries);
    }

    [Fact]
    public void Sums_keys_that_resolve_to_the_same_name()
    {
        var reporter = NewReporter(top: 5, key => key.Split('#')[0]);

        var report = reporter.Report(Snapshot(0, ("Dup#1", 2, 2), ("Dup#2", 3, 4)), Start);

        Assert.Equal(5, Values(report, AsyncOperationMetrics.Pending)["Dup"]);
        Assert.Equal(6, Values(report, AsyncOperationMetrics.Started)["Dup"]);
    }

    [Fact]
    public void A_method_keeps_its_place_until_another_has_strictly_more_pending()
    {
        var reporter = NewReporter(top: 1);
        reporter.Report(Snapshot(0, ("A", 2, 10), ("B", 1, 10)), Start);

        var tie = reporter.Report(Snapshot(0, ("A", 2, 10), ("B", 2, 90)), Start);
        Assert.Contains("A", Values(tie, AsyncOperationMetrics.Pending).Keys);
        Assert.Empty(tie.EndedSeries);

        var overtaken = reporter.Report(Snapshot(0, ("A", 2, 10), ("B", 3, 90)), Start);
        Assert.Equal(["B", "other"], Values(overtaken, AsyncOperationMetrics.Pending).Keys.Order());
        Assert.Equal(
            [(AsyncOperationMetrics.Pending, LabelSet.Of(("method", "A"))), (AsyncOperationMetrics.Started, LabelSet.Of(("method", "A")))],
            overtaken.EndedSeries);
    }

    [Fact]
    public void A_reset_ends_every_exported_series_so_counters_restart()
    {
        var reporter = NewReporter(top: 3);
        reporter.Report(Snapshot(0, ("A", 2, 10)), Start);

        var afterReset = reporter.Report(Snapshot(1), Start);

        Assert.Contains((AsyncOperationMetrics.Started, LabelSet.Of(("method", "A"))), afterReset.EndedSeries);
        Assert.Contains((AsyncOperationMetrics.Started, LabelSet.Of(("method", "other"))), afterReset.EndedSeries);
        Assert.Equal(new Dictionary<string, double> { ["other"] = 0 }, Values(afterReset, AsyncOperationMetrics.Pending));
    }

    [Fact]
    public void Reports_when_counting_started_and_every_reset_reason()
    {
        var since = Start.AddSeconds(30);
        var snapshot = new AsyncTrackingSnapshot([], since, 2, new Dictionary<TrackingResetReason, long> { [TrackingResetReason.EventsLost] = 2 }, 5, TrackingResetReason.EventsLost);

        var report = NewReporter(top: 3).Report(snapshot, since);

        Assert.Equal(since.ToUnixTimeSeconds(), report.Samples.Single(s => s.Name == AsyncOperationMetrics.TrackingStart).Value);
        var resets = report.Samples.Where(s => s.Name == AsyncOperationMetrics.Resets).ToDictionary(s => s.Labels["reason"]!, s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["events_lost"] = 2, ["reconnect"] = 0, ["tracking_limit"] = 0 }, resets);
        Assert.Equal(5, report.Samples.Single(s => s.Name == AsyncOperationMetrics.UntrackedEnds).Value);
        Assert.All(report.Samples.Where(s => s.Name.EndsWith("_total", StringComparison.Ordinal)), s => Assert.Equal(MetricKind.Counter, s.Kind));
    }
}
