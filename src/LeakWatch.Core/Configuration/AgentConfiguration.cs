using LeakWatch.Core.Options;

namespace LeakWatch.Core.Configuration;

/// <summary>
/// The merged settings of <c>attach</c>, typed and validated. Null means "not given anywhere": the caller's default
/// applies. Every value of every source is checked by its setting's one parser before merging, so an error names the
/// source it came from and the field: exit code 7 for variables and files ("LEAKWATCH_INTERVAL: 'soon' is not a
/// duration such as 500ms, 1s, 10m or 1h."), 2 for flags (which the command line normally refuses earlier).
/// </summary>
public sealed record AgentConfiguration
{
    /// <summary>Where /metrics is served; with <see cref="UrlsGiven"/> true and this null, nothing is served ("none").</summary>
    public Uri? Url { get; init; }

    public bool UrlsGiven { get; init; }

    public TimeSpan? Interval { get; init; }

    public TimeSpan? Duration { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Meters { get; init; } = [];

    public string? DiagnosticPort { get; init; }

    public bool AllProcesses { get; init; }

    public string? SnapshotDir { get; init; }

    /// <summary>A snapshot when each target is first watched; on unless switched off (--snapshot-baseline false).</summary>
    public bool SnapshotBaseline { get; init; } = true;

    public TimeSpan? MaxPause { get; init; }

    /// <summary>"attach", "dump" or "eventpipe".</summary>
    public string? SnapshotVia { get; init; }

    /// <summary>Null: not set (the default, auto).</summary>
    public CopyBudget? CopyBudget { get; init; }

    /// <summary>Where the target's runtime writes a dump for <c>--snapshot-via dump</c>, and leakwatch reads it.</summary>
    public string? DumpDir { get; init; }

    /// <summary>A file holding the API key (a mounted secret); read by the agent, which trims one trailing newline.</summary>
    public string? ApiKeyFile { get; init; }

    /// <summary>The API key given directly (LEAKWATCH_API_KEY).</summary>
    public string? ApiKey { get; init; }

    public bool? AsyncOps { get; init; }

    public int? AsyncOpsTop { get; init; }

    public int? AsyncOpsBufferMB { get; init; }

    public bool? AsyncOpsTrackCollected { get; init; }

    public bool? AsyncOpsStacks { get; init; }

    /// <summary>Every merged setting with its source, for settings bound elsewhere (the rules) and for messages.</summary>
    public IReadOnlyDictionary<string, ResolvedSetting> Resolved { get; init; } = new Dictionary<string, ResolvedSetting>();

    /// <summary>The layers as given, highest first, for settings merged their own way (rule shortcuts add up by layer).</summary>
    public IReadOnlyList<ConfigurationLayer> Layers { get; init; } = [];

    /// <summary>Merges the layers (flags over environment over file) and validates the result.</summary>
    public static AgentConfiguration Bind(IEnumerable<ConfigurationLayer> layers)
    {
        var list = layers.OrderBy(l => l.Kind).ToList();
        foreach (var layer in list)
        {
            Validate(layer);
        }

        var resolved = ConfigurationMerger.Merge(list);
        ResolvedSetting? Get(AgentSetting setting) => resolved.TryGetValue(setting.Key, out var value) ? value : null;

        var urls = Get(AgentSettings.Urls);
        Uri? url = null;
        if (urls is not null && !ListenUrl.TryParse(urls.Value.Trim(), out url))
        {
            throw new InvalidOperationException("validated above");
        }

        var all = BooleanOf(Get(AgentSettings.AllProcesses)) ?? false;
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

        var apiKey = Get(AgentSettings.ApiKey);
        var apiKeyFile = Get(AgentSettings.ApiKeyFile);
        if (apiKey is not null && apiKeyFile is not null && apiKey.Source.Kind == apiKeyFile.Source.Kind)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{apiKey.SourceName} and {apiKeyFile.SourceName} are both set: give the key one way.");
        }

        var keyWins = apiKey is not null && (apiKeyFile is null || apiKey.Source.Kind < apiKeyFile.Source.Kind);
        return new AgentConfiguration
        {
            Url = url,
            UrlsGiven = urls is not null,
            Interval = DurationOf(Get(AgentSettings.Interval)),
            Duration = DurationOf(Get(AgentSettings.Duration)),
            Labels = LabelsOf(Get(AgentSettings.Labels)),
            Meters = Get(AgentSettings.Meters) is { } meters ? SettingValue.SplitList(meters.Value) : [],
            DiagnosticPort = port?.Value.Trim(),
            AllProcesses = all,
            SnapshotDir = Get(AgentSettings.SnapshotDir)?.Value.Trim(),
            SnapshotBaseline = BooleanOf(Get(AgentSettings.SnapshotBaseline)) ?? true,
            MaxPause = DurationOf(Get(AgentSettings.MaxPause)),
            SnapshotVia = Get(AgentSettings.SnapshotVia)?.Value.Trim().ToLowerInvariant(),
            CopyBudget = Get(AgentSettings.CopyBudget) is { } budget && Options.CopyBudget.TryParse(budget.Value, out var bytes) ? bytes : null,
            DumpDir = Get(AgentSettings.DumpDir)?.Value.Trim(),
            ApiKey = keyWins ? apiKey!.Value : null,
            ApiKeyFile = keyWins ? null : apiKeyFile?.Value.Trim(),
            AsyncOps = BooleanOf(Get(AgentSettings.AsyncOps)),
            AsyncOpsTop = CountOf(Get(AgentSettings.AsyncOpsTop)),
            AsyncOpsBufferMB = CountOf(Get(AgentSettings.AsyncOpsBufferMB)),
            AsyncOpsTrackCollected = BooleanOf(Get(AgentSettings.AsyncOpsTrackCollected)),
            AsyncOpsStacks = BooleanOf(Get(AgentSettings.AsyncOpsStacks)),
            Resolved = resolved,
            Layers = list,
        };
    }

    /// <summary>The error for a bad value: the source and field, then the problem; exit 2 for a flag, 7 otherwise.</summary>
    public static LeakWatchException Invalid(ConfigurationLayer source, AgentSetting setting, string problem) =>
        new(source.Kind == ConfigurationSourceKind.Flags ? ExitCode.UsageError : ExitCode.InvalidConfiguration, $"{source.Describe(setting)}: {problem}.");

    /// <summary>Checks every value of one source with its setting's parser, so the error names this source.</summary>
    private static void Validate(ConfigurationLayer layer)
    {
        foreach (var setting in AgentSettings.Known)
        {
            if (!layer.Values.TryGetValue(setting.Key, out var raw))
            {
                continue;
            }

            foreach (var item in setting.Items(raw))
            {
                if (setting.Value.Problem(item) is { } problem)
                {
                    throw Invalid(layer, setting, problem);
                }
            }
        }
    }

    private static bool? BooleanOf(ResolvedSetting? setting) => setting is null ? null : SettingValue.ParseBoolean(setting.Value);

    private static TimeSpan? DurationOf(ResolvedSetting? setting) => setting is null ? null : SettingValue.ParseDuration(setting.Value);

    private static int? CountOf(ResolvedSetting? setting) => setting is null ? null : SettingValue.TryParseCount(setting.Value, out var count) ? count : null;

    private static Dictionary<string, string> LabelsOf(ResolvedSetting? setting)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in setting is null ? [] : SettingValue.SplitList(setting.Value))
        {
            if (LabelParser.TryParse(text, out var label, out _))
            {
                labels[label.Key] = label.Value; // every label was checked per source above
            }
        }

        return labels;
    }
}
