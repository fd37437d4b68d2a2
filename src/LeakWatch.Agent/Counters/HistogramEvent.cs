using LeakWatch.Core.Samples;
using Microsoft.Diagnostics.Tracing;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// Reads System.Diagnostics.Metrics' HistogramValuePublished. Version 0 (.NET 6 and 7) carries quantiles only;
/// version 1 (.NET 8 on) adds the interval's <c>count</c> and <c>sum</c>, which make <c>_count</c> and <c>_sum</c>.
/// </summary>
internal static class HistogramEvent
{
    public static HistogramMeasurement Read(TraceEvent traceEvent) =>
        new(
            new DateTimeOffset(traceEvent.TimeStamp.ToUniversalTime(), TimeSpan.Zero),
            (string)traceEvent.PayloadByName("meterName"),
            (string)traceEvent.PayloadByName("instrumentName"),
            traceEvent.PayloadByName("unit") as string,
            traceEvent.PayloadByName("tags") as string,
            traceEvent.PayloadByName("quantiles") as string,
            traceEvent.PayloadByName("count") is int count ? count : null,
            traceEvent.PayloadByName("sum") is double sum ? sum : null);
}
