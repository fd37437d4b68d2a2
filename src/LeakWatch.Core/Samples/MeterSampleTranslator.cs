using LeakWatch.Core.Naming;

namespace LeakWatch.Core.Samples;

/// <summary>Turns System.Diagnostics.Metrics values into Prometheus samples, named as OpenTelemetry's exporter names them.</summary>
public sealed class MeterSampleTranslator
{
    // The runtime declares these ObservableCounter (measured on .NET 10.0.12), yet they fall as threads
    // retire and queues drain; OpenTelemetry's semantic conventions define them as UpDownCounters.
    private static readonly HashSet<(string Meter, string Instrument)> CountersThatFall =
    [
        ("System.Runtime", "dotnet.thread_pool.thread.count"),
        ("System.Runtime", "dotnet.thread_pool.queue.length"),
    ];

    private readonly Dictionary<(string Meter, string Instrument), string> _descriptions = new();
    private readonly HashSet<(string Meter, string Instrument)> _upDownCounters = new(CountersThatFall);

    /// <summary>
    /// Remembers an instrument's description and type (from BeginInstrumentReporting). The type matters:
    /// the runtime publishes ObservableUpDownCounters such as dotnet.thread_pool.thread.count as counter-rate
    /// events, and only the declared type says they can fall, so they are gauges.
    /// </summary>
    public void Describe(string meterName, string instrumentName, string? instrumentType, string? description)
    {
        if (!string.IsNullOrWhiteSpace(description))
        {
            _descriptions[(meterName, instrumentName)] = description.Trim();
        }

        if (instrumentType?.Contains("UpDownCounter", StringComparison.Ordinal) == true)
        {
            _upDownCounters.Add((meterName, instrumentName));
        }
    }

    public MetricSample Translate(MeterMeasurement measurement)
    {
        var isCounter = measurement.Kind == MeterValueKind.MonotonicCounter
                        && !_upDownCounters.Contains((measurement.MeterName, measurement.InstrumentName));
        var name = PrometheusNaming.MetricName(measurement.InstrumentName, measurement.Unit, isCounter);

        // OpenTelemetry's exporter keeps the value in the instrument's unit; only the name changes.
        return new MetricSample(
            name,
            isCounter ? MetricKind.Counter : MetricKind.Gauge,
            measurement.Value,
            measurement.Timestamp,
            ParseTags(measurement.Tags),
            HelpFor(measurement.MeterName, measurement.InstrumentName));
    }

    /// <summary>A histogram's interval, named as OpenTelemetry names it: <c>http.server.request.duration</c>, <c>s</c> → <c>http_server_request_duration_seconds</c>.</summary>
    public HistogramSample TranslateHistogram(HistogramMeasurement measurement) =>
        new(
            PrometheusNaming.MetricName(measurement.InstrumentName, measurement.Unit, isMonotonicCounter: false),
            ParseTags(measurement.Tags),
            HelpFor(measurement.MeterName, measurement.InstrumentName),
            HistogramSample.ParseQuantiles(measurement.Quantiles),
            measurement.IntervalCount,
            measurement.IntervalSum,
            measurement.Timestamp);

    /// <summary>Tags arrive as "k1=v1,k2=v2"; keys become label names, values stay as they are.</summary>
    public static LabelSet ParseTags(string? tags)
    {
        if (string.IsNullOrEmpty(tags))
        {
            return LabelSet.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in tags.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            pairs.Add(KeyValuePair.Create(PrometheusNaming.LabelName(part[..equals]), part[(equals + 1)..]));
        }

        return LabelSet.From(pairs.DistinctBy(p => p.Key));
    }

    private string HelpFor(string meterName, string instrumentName) =>
        _descriptions.TryGetValue((meterName, instrumentName), out var description)
            ? description
            : $"{instrumentName} from meter {meterName}";
}
