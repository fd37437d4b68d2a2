using LeakWatch.Core;
using LeakWatch.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Reads the agent's config file (<c>--config FILE</c> or LEAKWATCH_CONFIG), YAML or JSON (JSON is YAML too): a
/// mapping of the keys in docs/configuration.md. Lists may be sequences or "a,b" strings; labels also a mapping
/// (<c>labels: {service: orders}</c>). An unknown key is an error, so a misspelt setting is never silently ignored.
/// </summary>
public static class ConfigFileReader
{
    public static ConfigurationLayer Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"Cannot read the config file {path}: {e.Message}", e);
        }

        return Parse(text, path);
    }

    public static ConfigurationLayer Parse(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{path} is not valid YAML or JSON (line {e.Start.Line}): {e.Message}", e);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new ConfigurationLayer(ConfigurationSourceKind.File, values, path);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{path} must hold a mapping of settings (such as 'interval: 5s'), not a list or a value.");
        }

        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var setting = AgentSettings.ByFileKey(key)
                          ?? throw new LeakWatchException(
                              ExitCode.InvalidConfiguration,
                              $"'{key}' in {path} is not a setting: use one of {string.Join(", ", AgentSettings.Known.Where(s => s.InFile).Select(s => s.Key))}.");
            values[setting.Key] = ValueText(setting, valueNode, path);
        }

        return new ConfigurationLayer(ConfigurationSourceKind.File, values, path);
    }

    private static string ValueText(AgentSetting setting, YamlNode node, string path) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? "",
        YamlSequenceNode sequence when setting.IsList => string.Join(',', sequence.Children.Select(child => Scalar(setting, child, path))),
        YamlMappingNode mapping when setting == AgentSettings.Labels =>
            string.Join(',', mapping.Children.Select(pair => $"{Scalar(setting, pair.Key, path)}={Scalar(setting, pair.Value, path)}")),
        _ => throw new LeakWatchException(ExitCode.InvalidConfiguration, $"'{setting.Key}' in {path} must be {(setting.IsList ? "a list or a value" : "a single value")}."),
    };

    private static string Scalar(AgentSetting setting, YamlNode node, string path) =>
        (node as YamlScalarNode)?.Value
        ?? throw new LeakWatchException(ExitCode.InvalidConfiguration, $"'{setting.Key}' in {path} must hold plain values, not nested lists or mappings.");
}
