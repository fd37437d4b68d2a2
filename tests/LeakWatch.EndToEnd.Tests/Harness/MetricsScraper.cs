using System.Globalization;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>One series from the Prometheus text format.</summary>
public sealed record ScrapedSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.TryGetValue(label, out var value) ? value : null;
}

/// <summary>Reads /metrics over HTTP and parses the text format (enough of it for assertions: no escapes in values).</summary>
public sealed class MetricsScraper(Uri url)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task<string> ReadTextAsync() => Http.GetStringAsync(url);

    public async Task<IReadOnlyList<ScrapedSample>> ScrapeAsync() => Parse(await ReadTextAsync());

    /// <summary>Polls until a series of that name (and matching labels) exists and the predicate holds for its value.</summary>
    public Task<ScrapedSample> WaitForAsync(string name, Func<ScrapedSample, bool>? predicate = null, TimeSpan? timeout = null)
    {
        string lastSeen = "nothing scraped yet";
        return Eventually.ValueAsync(
            async () =>
            {
                var samples = (await ScrapeAsync()).Where(s => s.Name == name).ToList();
                lastSeen = samples.Count == 0 ? $"no {name} series" : string.Join("; ", samples.Select(s => $"{s.Name}{{{string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}"));
                return samples.FirstOrDefault(s => predicate?.Invoke(s) ?? true);
            },
            timeout ?? Eventually.DefaultTimeout,
            () => $"{name} at {url}: last seen {lastSeen}");
    }

    public static IReadOnlyList<ScrapedSample> Parse(string text)
    {
        var samples = new List<ScrapedSample>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            string rest;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            if (brace >= 0)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..equals]] = pair[(equals + 2)..^1];
                }

                rest = line[(close + 1)..].Trim();
            }
            else
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }

            var valueText = rest.Split(' ')[0];
            var value = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, CultureInfo.InvariantCulture),
            };
            samples.Add(new ScrapedSample(name, labels, value));
        }

        return samples;
    }

    private static IEnumerable<string> SplitLabels(string body)
    {
        var start = 0;
        var inQuotes = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '"' && (i == 0 || body[i - 1] != '\\'))
            {
                inQuotes = !inQuotes;
            }
            else if (body[i] == ',' && !inQuotes)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }

        if (start < body.Length)
        {
            yield return body[start..];
        }
    }
}
