namespace LeakWatch.Core.Configuration;

/// <summary>
/// Every setting of <c>attach</c> that may come from flags, environment or config file (docs/configuration.md lists
/// them). A new setting (the leak rules' ones, for example) is one more entry here and one more property bound in
/// <see cref="AgentConfiguration"/>; the merge and the error messages need nothing else.
/// </summary>
public static class AgentSettings
{
    public const string EnvironmentPrefix = "LEAKWATCH_";

    /// <summary>The config file's path: a flag or a variable, never a key of the file itself.</summary>
    public const string ConfigFileVariable = "LEAKWATCH_CONFIG";

    public static readonly AgentSetting Urls = new("urls", "--urls", "LEAKWATCH_URLS");
    public static readonly AgentSetting Interval = new("interval", "--interval", "LEAKWATCH_INTERVAL");
    public static readonly AgentSetting Labels = new("labels", "--label", "LEAKWATCH_LABELS", IsList: true);
    public static readonly AgentSetting Meters = new("meters", "--meter", "LEAKWATCH_METERS", IsList: true);
    public static readonly AgentSetting DiagnosticPort = new("diagnosticPort", "--diagnostic-port", "LEAKWATCH_DIAGNOSTIC_PORT");
    public static readonly AgentSetting AllProcesses = new("all", "--all", "LEAKWATCH_ALL");
    public static readonly AgentSetting SnapshotDir = new("snapshotDir", "--snapshot-dir", "LEAKWATCH_SNAPSHOT_DIR");
    public static readonly AgentSetting SnapshotBaseline = new("snapshotBaseline", "--snapshot-baseline", "LEAKWATCH_SNAPSHOT_BASELINE");
    public static readonly AgentSetting MaxPause = new("maxPause", "--max-pause", "LEAKWATCH_MAX_PAUSE");
    public static readonly AgentSetting SnapshotVia = new("snapshotVia", "--snapshot-via", "LEAKWATCH_SNAPSHOT_VIA");
    public static readonly AgentSetting ApiKeyFile = new("apiKeyFile", "--api-key-file", "LEAKWATCH_API_KEY_FILE");

    /// <summary>The key itself: only from the environment (a Kubernetes secret), never a flag or a file key.</summary>
    public static readonly AgentSetting ApiKey = new("apiKey", null, "LEAKWATCH_API_KEY", InFile: false);

    public static IReadOnlyList<AgentSetting> Known { get; } =
        [Urls, Interval, Labels, Meters, DiagnosticPort, AllProcesses, SnapshotDir, SnapshotBaseline, MaxPause, SnapshotVia, ApiKeyFile, ApiKey];

    public static AgentSetting? ByFileKey(string key) => Known.FirstOrDefault(s => s.InFile && string.Equals(s.Key, key, StringComparison.Ordinal));
}
