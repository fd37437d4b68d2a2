namespace LeakWatch.Core.Configuration;

/// <summary>
/// The precedence of configuration sources: flags over environment over config file over defaults. A setting is
/// taken whole from the highest source that gives it, except labels, which are merged by label name (a flag's
/// <c>--label team=x</c> overrides the environment's team and keeps its service).
/// </summary>
public static class ConfigurationMerger
{
    public static IReadOnlyDictionary<string, ResolvedSetting> Merge(IEnumerable<ConfigurationLayer> layers)
    {
        var ordered = layers.OrderBy(l => l.Kind).ToList();
        var merged = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        foreach (var setting in AgentSettings.Known)
        {
            if (setting == AgentSettings.Labels)
            {
                if (MergeLabels(ordered) is { } labels)
                {
                    merged[setting.Key] = labels;
                }

                continue;
            }

            var source = ordered.FirstOrDefault(l => l.Values.ContainsKey(setting.Key));
            if (source is not null)
            {
                merged[setting.Key] = new ResolvedSetting(setting, source.Values[setting.Key], source);
            }
        }

        return merged;
    }

    /// <summary>Labels of every source, the higher source winning per label name; the source named is the highest that gave any.</summary>
    private static ResolvedSetting? MergeLabels(List<ConfigurationLayer> highestFirst)
    {
        var key = AgentSettings.Labels.Key;
        var sources = highestFirst.Where(l => l.Values.ContainsKey(key)).ToList();
        if (sources.Count == 0)
        {
            return null;
        }

        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var source in Enumerable.Reverse(sources))
        {
            foreach (var pair in SettingValue.SplitList(source.Values[key]))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals > 0 ? pair[..equals].Trim() : pair;
                if (!byName.ContainsKey(name))
                {
                    order.Add(name);
                }

                byName[name] = pair;
            }
        }

        return new ResolvedSetting(AgentSettings.Labels, string.Join(',', order.Select(n => byName[n])), sources[0]);
    }
}
