namespace LeakWatch.Core.Configuration;

/// <summary>
/// One setting of the agent and its three spellings: the flag, the environment variable and the config-file key.
/// A null spelling means the setting cannot be given that way (a secret is never a flag, which <c>ps</c> would show).
/// </summary>
/// <param name="Key">The config-file key (camelCase), also the setting's name in messages.</param>
/// <param name="Flag">The command-line option, or null.</param>
/// <param name="EnvironmentVariable">The environment variable, or null.</param>
/// <param name="Value">The kind of value and its parser (durations, counts, booleans, lists...).</param>
/// <param name="InFile">Whether the config file may set it.</param>
public sealed record AgentSetting(string Key, string? Flag, string? EnvironmentVariable, SettingValue Value, bool InFile = true)
{
    /// <summary>A list: "a,b" in the environment, a YAML/JSON sequence in the file, a repeated flag.</summary>
    public bool IsList => Value.IsList;

    public string Describe(ConfigurationSourceKind source, string? filePath) => source switch
    {
        ConfigurationSourceKind.Flags => Flag ?? Key,
        ConfigurationSourceKind.Environment => EnvironmentVariable ?? Key,
        _ => $"'{Key}' in {filePath ?? "the config file"}",
    };

    /// <summary>The items of a raw value: the list's items, or the one trimmed value.</summary>
    public IReadOnlyList<string> Items(string raw) => IsList ? SettingValue.SplitList(raw) : [raw.Trim()];
}
