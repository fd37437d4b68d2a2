using System.Globalization;
using LeakWatch.Core.Options;

namespace LeakWatch.Core.Configuration;

/// <summary>
/// The merged settings of <c>attach</c>, typed and validated. Null means "not given anywhere": the caller's default
/// applies. Invalid values fail with exit code 7 and a message naming the source and field
/// ("LEAKWATCH_INTERVAL: 'soon' is not a duration such as 500ms, 1s or 10m.").
/// </summary>
public sealed record AgentConfiguration
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MinimumMaxPause = TimeSpan.FromMilliseconds(10);
    private static readonly string[] SnapshotRoutes = ["attach", "dump", "eventpipe"];

    /// <summary>Where /metrics is served; with <see cref="UrlsGiven"/> true and this null, nothing is served ("none").</summary>
    public Uri? Url { get; init; }

    public bool UrlsGiven { get; init; }

    public TimeSpan? Interval { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Meters { get; init; } = [];

    public string? DiagnosticPort { get; init; }

    public bool AllProcesses { get; init; }

    public string? SnapshotDir { get; init; }

    public bool SnapshotBaseline { get; init; }

    public TimeSpan? MaxPause { get; init; }

    /// <summary>"attach" or "dump".</summary>
    public string? SnapshotVia { get; init; }

    /// <summary>A file holding the API key (a mounted secret); read by the agent, which trims one trailing newline.</summary>
    public string? ApiKeyFile { get; init; }

    /// <summary>The API key given directly (LEAKWATCH_API_KEY).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Every merged setting with its source, for settings bound elsewhere (and for messages).</summary>
    public IReadOnlyDictionary<string, ResolvedSetting> Resolved { get; init; } = new Dictionary<string, ResolvedSetting>();

    /// <summary>Merges the layers (flags over environment over file) and validates the result.</summary>
    public static AgentConfiguration Bind(IEnumerable<ConfigurationLayer> layers)
    {
        var list = layers.ToList();
        foreach (var layer in list.Where(l => l.Values.ContainsKey(AgentSettings.Labels.Key)))
        {
            // Checked per source before merging, so an error names the source the bad label came from.
            ParseLabels(new ResolvedSetting(AgentSettings.Labels, layer.Values[AgentSettings.Labels.Key], layer));
        }

        var resolved = ConfigurationMerger.Merge(list);
        ResolvedSetting? Get(AgentSetting setting) => resolved.TryGetValue(setting.Key, out var value) ? value : null;

        var urls = Get(AgentSettings.Urls);
        Uri? url = null;
        if (urls is not null && !ListenUrl.TryParse(urls.Value, out url))
        {
            throw Invalid(urls, "is not an http:// URL with a port (such as http://0.0.0.0:9473) or 'none'");
        }

        var all = Get(AgentSettings.AllProcesses) is { } allSetting && ParseBoolean(allSetting);
        var port = Get(AgentSettings.DiagnosticPort);
        if (all && port is not null)
        {
            var allSource = resolved[AgentSettings.AllProcesses.Key].Source;
            if (allSource.Kind == port.Source.Kind)
            {
                throw new LeakWatchException(ExitCode.InvalidConfiguration,
                    $"{allSource.Describe(AgentSettings.AllProcesses)} and {port.SourceName} are both set: choose one way of finding processes.");
            }

            // The higher source decides how processes are found.
            (all, port) = allSource.Kind < port.Source.Kind ? (true, null) : (false, port);
        }

        if (port is not null && port.Value.Trim().Length == 0)
        {
            throw Invalid(port, "is empty: give the path of the Unix socket, such as /diag/leakwatch.sock");
        }

        var apiKey = Get(AgentSettings.ApiKey);
        var apiKeyFile = Get(AgentSettings.ApiKeyFile);
        if (apiKey is not null && apiKeyFile is not null && apiKey.Source.Kind == apiKeyFile.Source.Kind)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{apiKey.SourceName} and {apiKeyFile.SourceName} are both set: give the key one way.");
        }

        var keyWins = apiKey is not null && (apiKeyFile is null || apiKey.Source.Kind < apiKeyFile.Source.Kind);
        var via = Get(AgentSettings.SnapshotVia);
        if (via is not null && !SnapshotRoutes.Contains(via.Value.ToLowerInvariant()))
        {
            throw Invalid(via, "is not one of attach, dump, eventpipe");
        }

        return new AgentConfiguration
        {
            Url = url,
            UrlsGiven = urls is not null,
            Interval = ParseDuration(Get(AgentSettings.Interval), MinimumInterval),
            Labels = ParseLabels(Get(AgentSettings.Labels)),
            Meters = Get(AgentSettings.Meters) is { } meters ? ConfigurationMerger.SplitList(meters.Value) : [],
            DiagnosticPort = port?.Value.Trim(),
            AllProcesses = all,
            SnapshotDir = Get(AgentSettings.SnapshotDir)?.Value,
            SnapshotBaseline = Get(AgentSettings.SnapshotBaseline) is { } baseline && ParseBoolean(baseline),
            MaxPause = ParseDuration(Get(AgentSettings.MaxPause), MinimumMaxPause),
            SnapshotVia = via?.Value.ToLowerInvariant(),
            ApiKey = keyWins ? apiKey!.Value : null,
            ApiKeyFile = keyWins ? null : apiKeyFile?.Value,
            Resolved = resolved,
        };
    }

    public static bool ParseBoolean(ResolvedSetting setting) => setting.Value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw Invalid(setting, "is not true or false"),
    };

    private static TimeSpan? ParseDuration(ResolvedSetting? setting, TimeSpan minimum)
    {
        if (setting is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(setting.Value.Trim(), out var duration))
        {
            throw Invalid(setting, "is not a duration such as 500ms, 1s, 10m or 1h");
        }

        if (duration < minimum)
        {
            throw Invalid(setting, $"is shorter than the minimum of {DurationParser.Format(minimum)}");
        }

        return duration;
    }

    private static Dictionary<string, string> ParseLabels(ResolvedSetting? setting)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in setting is null ? [] : ConfigurationMerger.SplitList(setting.Value))
        {
            if (!LabelParser.TryParse(text, out var label, out var error))
            {
                throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{setting!.SourceName}: {error}");
            }

            labels[label.Key] = label.Value;
        }

        return labels;
    }

    private static LeakWatchException Invalid(ResolvedSetting setting, string problem) =>
        new(ExitCode.InvalidConfiguration, string.Create(CultureInfo.InvariantCulture, $"{setting.SourceName}: '{setting.Value}' {problem}."));
}
