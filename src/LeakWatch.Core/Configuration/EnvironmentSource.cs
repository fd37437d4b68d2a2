using System.Collections;

namespace LeakWatch.Core.Configuration;

/// <summary>
/// The one place the agent reads its LEAKWATCH_* variables from the process environment. Everything else takes the
/// dictionary this returns (or one a test made up), so no setting is read behind the options model's back.
/// </summary>
public static class EnvironmentSource
{
    public static IReadOnlyDictionary<string, string> ReadProcess()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(AgentSettings.EnvironmentPrefix, StringComparison.Ordinal) && entry.Value is string value)
            {
                environment[key] = value;
            }
        }

        return environment;
    }
}
