namespace LeakWatch.Core.Samples;

/// <summary>How the target's MetricsEventSource published an instrument's value.</summary>
public enum MeterValueKind
{
    /// <summary>Counter or ObservableCounter: <see cref="MeterMeasurement.Value"/> is the cumulative total.</summary>
    MonotonicCounter,

    /// <summary>UpDownCounter or ObservableUpDownCounter: the current sum, which can fall.</summary>
    UpDownCounter,

    /// <summary>Gauge or ObservableGauge: the last value.</summary>
    Gauge,
}

/// <summary>One value from the System.Diagnostics.Metrics EventSource, fields as the event carries them.</summary>
public sealed record MeterMeasurement(
    DateTimeOffset Timestamp,
    string MeterName,
    string InstrumentName,
    string? Unit,
    string? Tags,
    MeterValueKind Kind,
    double Value);

/// <summary>One value from an EventCounters payload (runtimes without the System.Runtime meter).</summary>
/// <param name="IsIncrement">True for "Sum" counters whose value is the increment over the interval.</param>
/// <param name="Value">Mean for gauges, Increment for sums.</param>
public sealed record EventCounterMeasurement(
    DateTimeOffset Timestamp,
    string ProviderName,
    string CounterName,
    bool IsIncrement,
    double Value,
    string? DisplayUnits);
