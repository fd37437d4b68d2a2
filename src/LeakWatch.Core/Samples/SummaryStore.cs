using System.Globalization;
using System.Text;

namespace LeakWatch.Core.Samples;

/// <summary>
/// Histogram series kept as Prometheus summaries: the quantiles of the latest interval, and <c>_sum</c> and
/// <c>_count</c> added up over every interval seen (the target only publishes per-interval figures), so
/// <c>rate(x_count[5m])</c> is the request rate and <c>rate(x_sum[5m]) / rate(x_count[5m])</c> the mean.
/// Out of process there are no buckets, hence a summary rather than a histogram. Not thread-safe: the caller locks.
/// </summary>
public sealed class SummaryStore
{
    private static readonly double[] ExportedQuantiles = [0.5, 0.95, 0.99];

    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);

    private sealed class Family(string help)
    {
        public string Help { get; set; } = help;

        public Dictionary<LabelSet, Series> Series { get; } = [];
    }

    private sealed class Series
    {
        public IReadOnlyList<QuantileValue> Quantiles { get; set; } = [];

        public long Count { get; set; }

        public double Sum { get; set; }

        public bool HasTotals { get; set; }
    }

    public int SeriesCount => _families.Values.Sum(f => f.Series.Count);

    /// <summary>Records one interval; <paramref name="labels"/> are the series' full labels (target's and the instrument's tags).</summary>
    public void Observe(HistogramSample sample, LabelSet labels)
    {
        if (!_families.TryGetValue(sample.Name, out var family))
        {
            family = new Family(sample.Help);
            _families.Add(sample.Name, family);
        }

        family.Help = sample.Help;
        if (!family.Series.TryGetValue(labels, out var series))
        {
            series = new Series();
            family.Series.Add(labels, series);
        }

        series.Quantiles = sample.Quantiles;
        if (sample.IntervalCount is { } count && sample.IntervalSum is { } sum)
        {
            series.Count += count;
            series.Sum += sum;
            series.HasTotals = true;
        }
    }

    /// <summary>Forgets every series whose label <paramref name="name"/> is <paramref name="value"/> (a target that is gone).</summary>
    public void RemoveWhere(string name, string value)
    {
        foreach (var family in _families.Values)
        {
            foreach (var labels in family.Series.Keys.Where(l => l[name] == value).ToList())
            {
                family.Series.Remove(labels);
            }
        }
    }

    /// <summary>Writes every family in the Prometheus text format (0.0.4), families and series in name order.</summary>
    public void Write(TextWriter text)
    {
        foreach (var (name, family) in _families.Where(f => f.Value.Series.Count > 0).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            text.Write($"# HELP {name} {EscapeHelp(family.Help)}\n# TYPE {name} summary\n");
            foreach (var (labels, series) in family.Series.OrderBy(s => s.Key.ToString(), StringComparer.Ordinal))
            {
                foreach (var quantile in ExportedQuantiles)
                {
                    text.Write($"{name}{Labels(labels, ("quantile", Number(quantile)))} {Number(ValueAt(series.Quantiles, quantile))}\n");
                }

                if (series.HasTotals)
                {
                    text.Write($"{name}_sum{Labels(labels)} {Number(series.Sum)}\n");
                    text.Write($"{name}_count{Labels(labels)} {series.Count.ToString(CultureInfo.InvariantCulture)}\n");
                }
            }
        }
    }

    // An interval without measurements has no quantiles: NaN, as client libraries export an empty window.
    private static double ValueAt(IReadOnlyList<QuantileValue> quantiles, double quantile)
    {
        foreach (var value in quantiles)
        {
            if (value.Quantile == quantile)
            {
                return value.Value;
            }
        }

        return double.NaN;
    }

    private static string Labels(LabelSet labels, (string Name, string Value)? extra = null)
    {
        var text = new StringBuilder("{");
        foreach (var (key, value) in labels)
        {
            text.Append(text.Length > 1 ? "," : "").Append(key).Append("=\"").Append(EscapeLabel(value)).Append('"');
        }

        if (extra is { } last)
        {
            text.Append(text.Length > 1 ? "," : "").Append(last.Name).Append("=\"").Append(last.Value).Append('"');
        }

        return text.Append('}').ToString();
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
