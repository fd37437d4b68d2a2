using LeakWatch.Core.Async;
using LeakWatch.Core.Options;
using LeakWatch.Core.Rules;

namespace LeakWatch.Core.Configuration;

/// <summary>
/// Every setting of <c>attach</c> that may come from flags, environment or config file (docs/configuration.md lists
/// them). A new setting is one more entry here and one more property bound in <see cref="AgentConfiguration"/>; the
/// merge, the readers, the flag validators and the error messages need nothing else.
/// </summary>
public static class AgentSettings
{
    public const string EnvironmentPrefix = "LEAKWATCH_";

    /// <summary>The config file's path: a flag or a variable, never a key of the file itself.</summary>
    public const string ConfigFileVariable = "LEAKWATCH_CONFIG";

    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaximumInterval = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinimumMaxPause = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaximumMaxPause = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromSeconds(1);

    /// <summary>24 days: timers and cancellation take at most int.MaxValue milliseconds.</summary>
    public static readonly TimeSpan MaximumDuration = TimeSpan.FromDays(24);

    public static readonly AgentSetting Urls = new("urls", "--urls", "LEAKWATCH_URLS", SettingValue.Url);
    public static readonly AgentSetting Interval = new("interval", "--interval", "LEAKWATCH_INTERVAL", SettingValue.Duration(MinimumInterval, MaximumInterval));
    public static readonly AgentSetting Duration = new("duration", "--duration", "LEAKWATCH_DURATION", SettingValue.Duration(MinimumDuration, MaximumDuration));
    public static readonly AgentSetting Labels = new("labels", "--label", "LEAKWATCH_LABELS", SettingValue.ListOf(text => LabelParser.TryParse(text, out _, out var error) ? null : error.TrimEnd('.')));
    public static readonly AgentSetting Meters = new("meters", "--meter", "LEAKWATCH_METERS", SettingValue.ListOf(_ => null));
    public static readonly AgentSetting DiagnosticPort = new("diagnosticPort", "--diagnostic-port", "LEAKWATCH_DIAGNOSTIC_PORT", SettingValue.Text);
    public static readonly AgentSetting AllProcesses = new("all", "--all", "LEAKWATCH_ALL", SettingValue.Boolean);
    public static readonly AgentSetting SnapshotDir = new("snapshotDir", "--snapshot-dir", "LEAKWATCH_SNAPSHOT_DIR", SettingValue.Text);
    public static readonly AgentSetting SnapshotBaseline = new("snapshotBaseline", "--snapshot-baseline", "LEAKWATCH_SNAPSHOT_BASELINE", SettingValue.Boolean);
    public static readonly AgentSetting MaxPause = new("maxPause", "--max-pause", "LEAKWATCH_MAX_PAUSE", SettingValue.Duration(MinimumMaxPause, MaximumMaxPause));
    public static readonly AgentSetting CopyBudget = new("copyBudget", "--copy-budget", "LEAKWATCH_COPY_BUDGET", SettingValue.CopyBudgetSize);
    public static readonly AgentSetting SnapshotVia = new("snapshotVia", "--snapshot-via", "LEAKWATCH_SNAPSHOT_VIA", SettingValue.Choice("attach", "dump", "eventpipe"));
    public static readonly AgentSetting DumpDir = new("dumpDir", "--dump-dir", "LEAKWATCH_DUMP_DIR", SettingValue.Text);
    public static readonly AgentSetting ApiKeyFile = new("apiKeyFile", "--api-key-file", "LEAKWATCH_API_KEY_FILE", SettingValue.Text);

    /// <summary>The key itself: only from the environment (a Kubernetes secret), never a flag or a file key.</summary>
    public static readonly AgentSetting ApiKey = new("apiKey", null, "LEAKWATCH_API_KEY", SettingValue.Text, InFile: false);

    public static readonly AgentSetting RulesFile = new("rulesFile", "--rules", "LEAKWATCH_RULES_FILE", SettingValue.Text);
    public static readonly AgentSetting Thresholds = new("thresholds", "--threshold", "LEAKWATCH_THRESHOLDS", SettingValue.ListOf(text => RuleShortcuts.TryParseThreshold(text, out _, out var error) ? null : error.TrimEnd('.')));
    public static readonly AgentSetting Growth = new("growth", "--growth", "LEAKWATCH_GROWTH", SettingValue.ListOf(text => RuleShortcuts.TryParseGrowth(text, out _, out var error) ? null : error.TrimEnd('.')));
    public static readonly AgentSetting Webhooks = new("webhooks", "--webhook", "LEAKWATCH_WEBHOOKS", SettingValue.ListOf(text => WebhookParser.TryParse(text, out _, out var error) ? null : error.TrimEnd('.')));

    /// <summary>In the file this is <c>defaultRules: false</c> (the rules document's own key).</summary>
    public static readonly AgentSetting NoDefaultRules = new("noDefaultRules", "--no-default-rules", "LEAKWATCH_NO_DEFAULT_RULES", SettingValue.Boolean, InFile: false);

    public static readonly AgentSetting AsyncOps = new("asyncOps", "--async-ops", "LEAKWATCH_ASYNC_OPS", SettingValue.Boolean);
    public static readonly AgentSetting AsyncOpsTop = new("asyncOpsTop", "--async-ops-top", "LEAKWATCH_ASYNC_OPS_TOP", SettingValue.Count(1, AsyncTrackingDefaults.MaxTopMethods));
    public static readonly AgentSetting AsyncOpsBufferMB = new("asyncOpsBufferMB", "--async-ops-buffer-mb", "LEAKWATCH_ASYNC_OPS_BUFFER_MB", SettingValue.Count(1, 1024));
    public static readonly AgentSetting AsyncOpsTrackCollected = new("asyncOpsTrackCollected", "--async-ops-track-collected", "LEAKWATCH_ASYNC_OPS_TRACK_COLLECTED", SettingValue.Boolean);
    public static readonly AgentSetting AsyncOpsStacks = new("asyncOpsStacks", "--async-ops-stacks", "LEAKWATCH_ASYNC_OPS_STACKS", SettingValue.Boolean);

    public static IReadOnlyList<AgentSetting> Known { get; } =
    [
        Urls, Interval, Duration, Labels, Meters, DiagnosticPort, AllProcesses, SnapshotDir, SnapshotBaseline, MaxPause, CopyBudget, SnapshotVia, DumpDir,
        ApiKeyFile, ApiKey, RulesFile, Thresholds, Growth, Webhooks, NoDefaultRules,
        AsyncOps, AsyncOpsTop, AsyncOpsBufferMB, AsyncOpsTrackCollected, AsyncOpsStacks,
    ];

    /// <summary>Keys of the config file that hold the rules document (also the whole of a <c>--rules</c> file).</summary>
    public static IReadOnlyList<string> RuleDocumentKeys { get; } = ["defaultRules", "rules", "throttle", "webhooks"];

    public static AgentSetting? ByFileKey(string key) => Known.FirstOrDefault(s => s.InFile && string.Equals(s.Key, key, StringComparison.Ordinal));
}
