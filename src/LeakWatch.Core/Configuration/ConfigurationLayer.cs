using LeakWatch.Core.Rules;

namespace LeakWatch.Core.Configuration;

/// <summary>
/// The settings one source gives, by <see cref="AgentSetting.Key"/>, as text: lists are comma-separated
/// ("service=orders,team=payments"), booleans "true"/"false". Sources that say nothing about a setting leave it out.
/// A file may also hold a rules document (<c>rules</c>, <c>throttle</c>, <c>defaultRules</c>), kept as written so
/// its errors can name the rule and the field.
/// </summary>
public sealed record ConfigurationLayer(ConfigurationSourceKind Kind, IReadOnlyDictionary<string, string> Values, string? FilePath = null)
{
    /// <summary>The rules part of a config file, or a whole <c>--rules</c> file; null when the source has none.</summary>
    public RulesDocument? Rules { get; init; }

    public static ConfigurationLayer Empty(ConfigurationSourceKind kind) => new(kind, new Dictionary<string, string>());

    /// <summary>The LEAKWATCH_* variables of <paramref name="environment"/> that name a setting; others are ignored.</summary>
    public static ConfigurationLayer FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in AgentSettings.Known)
        {
            if (setting.EnvironmentVariable is { } name && environment.TryGetValue(name, out var value) && value.Length > 0)
            {
                values[setting.Key] = value;
            }
        }

        return new ConfigurationLayer(ConfigurationSourceKind.Environment, values);
    }

    public string Describe(AgentSetting setting) => setting.Describe(Kind, FilePath);
}
