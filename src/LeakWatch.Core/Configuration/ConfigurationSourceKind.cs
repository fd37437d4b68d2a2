namespace LeakWatch.Core.Configuration;

/// <summary>Where a setting came from, highest precedence first.</summary>
public enum ConfigurationSourceKind
{
    Flags,
    Environment,
    File,
}
