namespace LeakWatch.Core.Configuration;

/// <summary>A setting's winning value and where it came from, for messages such as "LEAKWATCH_INTERVAL: ...".</summary>
public sealed record ResolvedSetting(AgentSetting Setting, string Value, ConfigurationLayer Source)
{
    public string SourceName => Source.Describe(Setting);
}
