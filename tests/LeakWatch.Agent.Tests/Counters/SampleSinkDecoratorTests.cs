using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Tests.Counters;

/// <summary>
/// Sinks that wrap other sinks pass on every member of <see cref="ISampleSink"/>. The interface gives
/// <c>OnSeriesEnded</c> and <c>OnHistogram</c> empty defaults, so a wrapper that forgets one compiles and silently
/// drops that kind of data (request latency vanished from /metrics that way once).
/// </summary>
public class SampleSinkDecoratorTests
{
    private static readonly TargetProcess Target = new(4242, "Orders", "dotnet Orders.dll", new Version(10, 0, 0));

    public static TheoryData<string> Decorators => ["retained-heap", "fanout", "heard"];

    [Theory]
    [MemberData(nameof(Decorators))]
    public void Every_member_reaches_the_inner_sink(string decorator)
    {
        var inner = new RecordingSink();
        ISampleSink sink = decorator switch
        {
            "retained-heap" => new RetainedHeapSink(inner),
            "heard" => new HeardSink(inner, new TargetFreshness(TimeSpan.FromSeconds(5), new RecordingSink()), TimeProvider.System),
            _ => new SampleFanout([inner]),
        };

        sink.OnSample(Target, new MetricSample("process_num_threads", MetricKind.Gauge, 12, DateTimeOffset.UnixEpoch, LabelSet.Empty, "threads"));
        sink.OnSeriesEnded(Target, "leakwatch_async_operations_pending", LabelSet.Of(("method", "Orders.Ack")));
        sink.OnHistogram(Target, new HistogramSample("http_server_request_duration_seconds", LabelSet.Empty, "duration", [new QuantileValue(0.5, 0.01)], 3, 0.03, DateTimeOffset.UnixEpoch));

        var members = typeof(ISampleSink).GetMethods().Select(m => m.Name).Order(StringComparer.Ordinal);
        Assert.Equal(members, inner.Calls.Order(StringComparer.Ordinal));
    }

    private sealed class RecordingSink : ISampleSink
    {
        public List<string> Calls { get; } = [];

        public void OnSample(TargetProcess target, MetricSample sample) => Calls.Add(nameof(OnSample));

        public void OnSeriesEnded(TargetProcess target, string name, LabelSet labels) => Calls.Add(nameof(OnSeriesEnded));

        public void OnHistogram(TargetProcess target, HistogramSample sample) => Calls.Add(nameof(OnHistogram));
    }
}
