namespace LeakWatch.Core.Samples;

/// <summary>How a value behaves over time, which decides its Prometheus type.</summary>
public enum MetricKind
{
    /// <summary>A value that can go up and down (threads, queue length, bytes in use).</summary>
    Gauge,

    /// <summary>A cumulative total since the target started; never decreases.</summary>
    Counter,
}

/// <summary>
/// One observation of one series, already named the Prometheus way.
/// Time travels with the value so that everything downstream (rules, rates) is pure.
/// </summary>
/// <param name="Name">Prometheus family name, for example <c>dotnet_thread_pool_thread_count</c>.</param>
/// <param name="Kind">Gauge or counter.</param>
/// <param name="Value">The value in base units (bytes, seconds, counts).</param>
/// <param name="Timestamp">When the target measured it (or when the agent read it, for OS figures).</param>
/// <param name="Labels">Series labels beyond the target's own (pid, process_name are added at export).</param>
/// <param name="Help">One-line description for the HELP line.</param>
public sealed record MetricSample(
    string Name,
    MetricKind Kind,
    double Value,
    DateTimeOffset Timestamp,
    LabelSet Labels,
    string Help);
