using System.Globalization;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// Streams a target's counters over one EventPipe session: the System.Diagnostics.Metrics provider for meters
/// (System.Runtime on .NET 9+, ASP.NET Core's, the app's own), plus the System.Runtime EventCounters on runtimes
/// that lack the System.Runtime meter. Values reach <see cref="ISampleSink"/> already named for Prometheus.
/// </summary>
public sealed class EventPipeCounterSource
{
    private const string MetricsProvider = "System.Diagnostics.Metrics";

    // SHARED lets dotnet-counters and dotnet-monitor keep working while leakwatch is attached:
    // a private session id makes them fail with "Another metrics collection session is already in progress".
    private const string SharedSessionId = "SHARED";

    private const int CircularBufferMegabytes = 16;

    private readonly TargetProcess _target;
    private readonly DiagnosticsClient _client;
    private readonly CounterSourceOptions _options;
    private readonly AgentHealth _health;
    private readonly MeterSampleTranslator _meterTranslator = new();
    private readonly EventCounterSampleTranslator _eventCounterTranslator = new();
    private readonly HashSet<string> _wantedMeters;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    public EventPipeCounterSource(TargetProcess target, DiagnosticsClient client, CounterSourceOptions options, AgentHealth health)
    {
        _target = target;
        _client = client;
        _options = options;
        _health = health;
        _wantedMeters = new HashSet<string>(Meters(), StringComparer.Ordinal);
    }

    /// <summary>Warnings worth a line on the terminal (another tool's conflicting session, series limits).</summary>
    public event Action<string>? Warning;

    /// <summary>Runs until the target exits (returns) or <paramref name="cancellation"/> fires.</summary>
    public async Task RunAsync(ISampleSink sink, CancellationToken cancellation)
    {
        // Counters need no stacks; turning stack walks off saves the target work, but the switch only exists
        // from .NET 9 (.NET 8 refuses the newer IPC command that carries it).
        var session = _target.HasRuntimeMeter
            ? await _client.StartEventPipeSessionAsync(
                new EventPipeSessionConfiguration(Providers(), CircularBufferMegabytes, requestRundown: false, requestStackwalk: false),
                cancellation).ConfigureAwait(false)
            : await _client.StartEventPipeSessionAsync(Providers(), requestRundown: false, CircularBufferMegabytes, cancellation).ConfigureAwait(false);

        using (session)
        using (cancellation.Register(() => SessionLoop.StopQuietly(session)))
        {
            using var source = SessionLoop.OpenEvents(session);
            source.Dynamic.All += traceEvent => Dispatch(traceEvent, sink);

            // Process() blocks until the stream ends: the target exited or the session was stopped.
            await Task.Factory.StartNew(() => source.Process(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
    }

    private IEnumerable<string> Meters() =>
        (_target.HasRuntimeMeter ? CounterSourceDefaults.BuiltInMeters : CounterSourceDefaults.BuiltInMeters.Skip(1))
            .Concat(_options.Meters)
            .Distinct(StringComparer.Ordinal);

    private List<EventPipeProvider> Providers()
    {
        var seconds = _options.Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var providers = new List<EventPipeProvider>
        {
            new(MetricsProvider, System.Diagnostics.Tracing.EventLevel.Informational, keywords: 0x2 /* values */, new Dictionary<string, string>
            {
                ["SessionId"] = SharedSessionId,
                ["Metrics"] = string.Join(',', _wantedMeters),
                ["RefreshInterval"] = seconds,
                ["MaxTimeSeries"] = _options.MaxTimeSeries.ToString(CultureInfo.InvariantCulture),
                ["MaxHistograms"] = _options.MaxHistograms.ToString(CultureInfo.InvariantCulture),
            }),
        };

        if (!_target.HasRuntimeMeter)
        {
            providers.Add(new EventPipeProvider("System.Runtime", System.Diagnostics.Tracing.EventLevel.Informational, keywords: 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = seconds }));
        }

        return providers;
    }

    private void Dispatch(TraceEvent traceEvent, ISampleSink sink)
    {
        _health.EventReceived();
        try
        {
            if (traceEvent.ProviderName == MetricsProvider)
            {
                HandleMetricsEvent(traceEvent, sink);
            }
            else if (traceEvent.EventName == "EventCounters")
            {
                HandleEventCounter(traceEvent, sink);
            }
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or IndexOutOfRangeException or NullReferenceException)
        {
            // One malformed event must not end the session: count it and go on.
            _health.Error("event_parse");
        }
    }

    private void HandleMetricsEvent(TraceEvent traceEvent, ISampleSink sink)
    {
        var kind = traceEvent.EventName switch
        {
            "CounterRateValuePublished" => MeterValueKind.MonotonicCounter,
            "UpDownCounterRateValuePublished" => MeterValueKind.UpDownCounter,
            "GaugeValuePublished" => MeterValueKind.Gauge,
            _ => (MeterValueKind?)null,
        };

        if (kind is null)
        {
            HandleOtherMetricsEvent(traceEvent, sink);
            return;
        }

        var meter = (string)traceEvent.PayloadByName("meterName");
        if (!_wantedMeters.Contains(meter))
        {
            return; // another tool's meter in the shared session
        }

        var valueField = kind == MeterValueKind.Gauge ? "lastValue" : "value";
        var rawValue = traceEvent.PayloadByName(valueField) as string;
        if (rawValue is null || rawValue.Length == 0)
        {
            return; // observable instruments report "" before their first callback, and v0 counters carry no total
        }

        var measurement = new MeterMeasurement(
            new DateTimeOffset(traceEvent.TimeStamp.ToUniversalTime(), TimeSpan.Zero),
            meter,
            (string)traceEvent.PayloadByName("instrumentName"),
            traceEvent.PayloadByName("unit") as string,
            traceEvent.PayloadByName("tags") as string,
            kind.Value,
            double.Parse(rawValue, NumberStyles.Float, CultureInfo.InvariantCulture));
        sink.OnSample(_target, _meterTranslator.Translate(measurement));
    }

    /// <summary>Histograms (which carry several values, not one) and the control events.</summary>
    private void HandleOtherMetricsEvent(TraceEvent traceEvent, ISampleSink sink)
    {
        switch (traceEvent.EventName)
        {
            case "HistogramValuePublished" when _wantedMeters.Contains((string)traceEvent.PayloadByName("meterName")):
                sink.OnHistogram(_target, _meterTranslator.TranslateHistogram(HistogramEvent.Read(traceEvent)));
                break;
            case "HistogramLimitReached":
                _health.Error("histogram_limit");
                WarnOnce($"The target reached its limit of {_options.MaxHistograms} histogram series; further ones (new routes, status codes) are not exported. " +
                                "See docs/metrics.md, \"Request latency\".");
                break;
            case "BeginInstrumentReporting":
                _meterTranslator.Describe(
                    (string)traceEvent.PayloadByName("meterName"),
                    (string)traceEvent.PayloadByName("instrumentName"),
                    traceEvent.PayloadByName("instrumentType") as string,
                    traceEvent.PayloadByName("description") as string);
                break;
            case "MultipleSessionsConfiguredIncorrectlyError":
                _health.Error("shared_session_conflict");
                Warning?.Invoke("Another tool is collecting metrics from this process with a different interval or limits; " +
                                "leakwatch receives no meter values until it stops. Use the same --interval as the other tool.");
                break;
            case "TimeSeriesLimitReached":
                _health.Error("time_series_limit");
                WarnOnce($"The target reached its limit of {_options.MaxTimeSeries} metric series; further series are dropped by the runtime.");
                break;
            case "Error":
                _health.Error("target_metrics_error");
                break;
        }
    }

    private void WarnOnce(string warning)
    {
        if (_warned.Add(warning))
        {
            Warning?.Invoke(warning);
        }
    }

    private void HandleEventCounter(TraceEvent traceEvent, ISampleSink sink)
    {
        if (traceEvent.PayloadValue(0) is not IDictionary<string, object> outer || outer["Payload"] is not IDictionary<string, object> payload)
        {
            return;
        }

        var isIncrement = payload.TryGetValue("CounterType", out var type) && (type as string) == "Sum";
        var value = Convert.ToDouble(isIncrement ? payload["Increment"] : payload["Mean"], CultureInfo.InvariantCulture);
        var measurement = new EventCounterMeasurement(
            new DateTimeOffset(traceEvent.TimeStamp.ToUniversalTime(), TimeSpan.Zero),
            traceEvent.ProviderName,
            (string)payload["Name"],
            isIncrement,
            value,
            payload.TryGetValue("DisplayUnits", out var units) ? units as string : null);
        foreach (var sample in _eventCounterTranslator.Translate(measurement))
        {
            sink.OnSample(_target, sample);
        }
    }
}
