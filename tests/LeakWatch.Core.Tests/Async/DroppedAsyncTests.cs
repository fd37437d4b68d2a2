using LeakWatch.Core.Async;
using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Tests.Async;

/// <summary>IncompleteAsyncMethod: async methods the GC collected unfinished, counted per method and out of pending.</summary>
public class DroppedAsyncTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string[], long, long> Cases => new()
    {
        // begins under the bare name (as TraceOperationBegin names them); drops under the full name from the description
        { "dropped while pending: leaves pending, counts as dropped", ["begin 1", "begin 2", "drop"], 1, 1 },
        { "every pending one dropped", ["begin 1", "begin 2", "drop", "drop"], 0, 2 },
        { "began before attach: pending stays 0, still counted", ["drop", "drop", "drop"], 0, 3 },
        { "more drops than begins: pending never negative", ["begin 1", "drop", "drop"], 0, 2 },
        { "an end is not a drop", ["begin 1", "end 1", "begin 2"], 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Drops_are_counted_per_method_and_leave_the_pending_count(string name, string[] events, long pending, long dropped)
    {
        var tracker = new AsyncOperationTracker(new AsyncTrackingOptions(), Start);
        foreach (var e in events)
        {
            var parts = e.Split(' ');
            switch (parts[0])
            {
                case "begin": tracker.Began(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), "<DeliverAsync>d__0", Start); break;
                case "end": tracker.Ended(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)); break;
                case "drop": tracker.Dropped("Notifications.WebhookDelivery+<DeliverAsync>d__0", "<DeliverAsync>d__0"); break;
            }
        }

        var methods = tracker.Snapshot().Methods;
        Assert.True(methods.Sum(m => m.Pending) == pending, $"{name}: pending {methods.Sum(m => m.Pending)}");
        Assert.True(methods.Sum(m => m.Dropped) == dropped, $"{name}: dropped {methods.Sum(m => m.Dropped)}");
    }

    [Fact]
    public void Dropped_series_are_published_per_method_only_when_asked_and_only_grow()
    {
        var reporter = new AsyncOperationsReporter(new AsyncTrackingOptions { TopMethods = 2 }, key => key, reportDropped: true);
        var quiet = new AsyncOperationsReporter(new AsyncTrackingOptions(), key => key);

        var first = reporter.Report(Snapshot(("A", 5), ("B", 1)), Start);
        var second = reporter.Report(Snapshot(("A", 5), ("B", 1), ("C", 50)), Start.AddSeconds(1));

        Assert.Equal(new Dictionary<string, double> { ["A"] = 5, ["B"] = 1, ["other"] = 0 }, Dropped(first));
        // C arrives once the two named places are taken: it joins "other" rather than push B out (B's counter would vanish).
        Assert.Equal(new Dictionary<string, double> { ["A"] = 5, ["B"] = 1, ["other"] = 50 }, Dropped(second));
        Assert.Empty(Dropped(quiet.Report(Snapshot(("A", 5)), Start)));
        Assert.All(second.Samples.Where(s => s.Name == AsyncOperationMetrics.Dropped), s => Assert.Equal(MetricKind.Counter, s.Kind));
    }

    private static AsyncTrackingSnapshot Snapshot(params (string Key, long Dropped)[] methods) =>
        new(methods.Select(m => new AsyncMethodCount(m.Key, 0, 0, m.Dropped)).ToList(), Start, 0, new Dictionary<TrackingResetReason, long>(), 0, null);

    private static Dictionary<string, double> Dropped(AsyncOperationsReport report) =>
        report.Samples.Where(s => s.Name == AsyncOperationMetrics.Dropped).ToDictionary(s => s.Labels[AsyncOperationMetrics.MethodLabel]!, s => s.Value);
}
