using System.Text;

namespace LeakWatch.Core.Naming;

/// <summary>
/// Names System.Diagnostics.Metrics instruments the way the OpenTelemetry Prometheus exporter does
/// (dots to underscores, unit suffixes, <c>_total</c> on counters), so dashboards built for .NET's
/// OpenTelemetry runtime metrics work unchanged against leakwatch.
/// </summary>
public static class PrometheusNaming
{
    // OpenTelemetry's unit → Prometheus suffix table, limited to the units .NET and ASP.NET Core publish.
    private static readonly Dictionary<string, string> UnitSuffixes = new(StringComparer.Ordinal)
    {
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["min"] = "minutes",
        ["h"] = "hours",
        ["d"] = "days",
        ["%"] = "percent",
        ["Hz"] = "hertz",
    };

    /// <summary>The family name for an instrument: <c>dotnet.gc.pause.time</c>, <c>s</c>, counter → <c>dotnet_gc_pause_time_seconds_total</c>.</summary>
    public static string MetricName(string instrumentName, string? unit, bool isMonotonicCounter)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        var suffix = UnitSuffix(unit, isMonotonicCounter);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        if (isMonotonicCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>
    /// A tag key as a label name: <c>gc.heap.generation</c> → <c>gc_heap_generation</c>. Folding runs of '_'
    /// also keeps names out of Prometheus's reserved <c>__</c> prefix.
    /// </summary>
    public static string LabelName(string tagKey) => Sanitize(tagKey, allowColon: false);

    /// <summary>The suffix a unit adds, empty for annotations such as <c>{thread}</c> and for dimensionless gauges.</summary>
    public static string UnitSuffix(string? unit, bool isMonotonicCounter)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        // Curly-brace annotations ({thread}, {request}) carry no unit: OpenTelemetry drops them.
        var withoutAnnotations = StripAnnotations(unit).Trim();
        if (withoutAnnotations.Length == 0)
        {
            return "";
        }

        if (withoutAnnotations == "1")
        {
            return isMonotonicCounter ? "" : "ratio";
        }

        var slash = withoutAnnotations.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var per = withoutAnnotations[(slash + 1)..];
            return $"{SingleUnit(withoutAnnotations[..slash])}_per_{PerUnit(per)}";
        }

        return SingleUnit(withoutAnnotations);
    }

    private static string SingleUnit(string unit) =>
        UnitSuffixes.TryGetValue(unit, out var suffix) ? suffix : Sanitize(unit, allowColon: false);

    private static string PerUnit(string unit) => unit switch
    {
        "s" => "second",
        "m" or "min" => "minute",
        "h" => "hour",
        "d" => "day",
        _ => SingleUnit(unit),
    };

    private static string StripAnnotations(string unit)
    {
        var text = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>Replaces characters Prometheus does not allow with '_' and folds runs of them.</summary>
    public static string Sanitize(string raw, bool allowColon)
    {
        var text = new StringBuilder(raw.Length + 1);
        foreach (var c in raw)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && text.Length > 0 && text[^1] == '_')
            {
                continue;
            }

            text.Append(next);
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString().TrimEnd('_') is { Length: > 0 } trimmed ? trimmed : "_";
    }
}
