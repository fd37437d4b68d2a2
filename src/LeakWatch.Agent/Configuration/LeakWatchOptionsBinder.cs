using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;
using LeakWatch.Core.Async;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Configuration;

/// <summary>
/// Binds <see cref="LeakWatchOptions"/> once: the flags' layer, the LEAKWATCH_* variables, the config file (named by
/// <c>--config</c> or LEAKWATCH_CONFIG) and the rules file (<c>rulesFile</c> from any of them), merged by
/// <see cref="AgentConfiguration"/>, with the documented defaults for whatever none of them gives.
/// </summary>
public static class LeakWatchOptionsBinder
{
    /// <summary>Reads the sources and merges them: flags over environment over file.</summary>
    /// <param name="configFileFlag">The <c>--config</c> flag's value, which beats LEAKWATCH_CONFIG.</param>
    public static AgentConfiguration ReadConfiguration(ConfigurationLayer flags, IReadOnlyDictionary<string, string> environment, string? configFileFlag)
    {
        var layers = new List<ConfigurationLayer> { flags, ConfigurationLayer.FromEnvironment(environment) };
        var configFile = configFileFlag ?? (environment.TryGetValue(AgentSettings.ConfigFileVariable, out var path) && path.Trim().Length > 0 ? path.Trim() : null);
        if (configFile is not null)
        {
            layers.Add(ConfigFileReader.Read(configFile));
        }

        return AgentConfiguration.Bind(layers);
    }

    /// <summary>The options tree from merged settings; <paramref name="targets"/> says which processes (the CLI resolves pids and names).</summary>
    public static LeakWatchOptions Bind(AgentConfiguration configuration, TargetsOptions targets)
    {
        var interval = configuration.Interval ?? CounterSourceDefaults.Interval;
        var rulesFile = configuration.Resolved.GetValueOrDefault(AgentSettings.RulesFile.Key)?.Value.Trim();
        var rules = RuleIntervalFit.Fit(
            RuleSetBinder.Bind(configuration, rulesFile is null ? null : ConfigFileReader.ReadRules(rulesFile), rulesFile), interval, out var notes);
        if (configuration.SnapshotDir is { } snapshotDir)
        {
            SnapshotDirectoryCheck.Ensure(snapshotDir, configuration.Resolved[AgentSettings.SnapshotDir.Key].SourceName);
        }

        var options = new LeakWatchOptions
        {
            Targets = targets,
            Http = new HttpOptions
            {
                Url = configuration.UrlsGiven ? configuration.Url : HttpDefaults.Url,
                ApiKey = ApiKeyOf(configuration),
            },
            Counters = new CounterSourceOptions { Interval = interval, Meters = configuration.Meters },
            Labels = configuration.Labels,
            Rules = rules,
            Notes = notes,
            Snapshots = new SnapshotRecorderOptions
            {
                Directory = configuration.SnapshotDir,
                Baseline = configuration.SnapshotBaseline,
                Snapshot = new SnapshotOptions
                {
                    MaxPause = configuration.MaxPause ?? SnapshotDefaults.MaxPause,
                    CopyBudget = configuration.CopyBudget ?? SnapshotDefaults.CopyBudget,
                    Route = SnapshotRoutes.Parse(configuration.SnapshotVia),
                    DumpDirectory = configuration.DumpDir,
                },
            },
            AsyncOperations = new AsyncOperationsOptions
            {
                Enabled = configuration.AsyncOps ?? AsyncOperationsDefaults.Enabled,
                Tracking = new AsyncTrackingOptions { TopMethods = configuration.AsyncOpsTop ?? AsyncTrackingDefaults.TopMethods },
                BufferSizeMB = configuration.AsyncOpsBufferMB ?? AsyncOperationsDefaults.BufferSizeMB,
                TrackCollected = configuration.AsyncOpsTrackCollected ?? AsyncOperationsDefaults.TrackCollected,
                StackAttribution = configuration.AsyncOpsStacks ?? AsyncOperationsDefaults.StackAttribution,
            },
            Duration = configuration.Duration,
        };
        return options.Validate() is { } problem ? throw new LeakWatchException(ExitCode.InvalidConfiguration, problem) : options;
    }

    /// <summary>Which processes, from the flags' target (already resolved) or else the merged settings.</summary>
    public static TargetsOptions Targets(AgentConfiguration configuration, TargetProcess? target, string? nameFilter) =>
        target is not null ? new TargetsOptions { Target = target }
        : configuration.DiagnosticPort is { } path ? new TargetsOptions { DiagnosticPort = path }
        : configuration.AllProcesses ? new TargetsOptions { AllProcesses = true, NameFilter = nameFilter }
        : throw new LeakWatchException(ExitCode.UsageError, "Say which process to watch with --pid or --name, or watch many with --all or --diagnostic-port (see 'leakwatch ps').");

    /// <summary>The shortest key accepted: 16 bytes, so a guess per request cannot find it (openssl rand -hex 24 gives 48).</summary>
    public const int MinimumApiKeyBytes = 16;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                              | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static string? ApiKeyOf(AgentConfiguration configuration)
    {
        if (configuration.ApiKey is { } key)
        {
            return LongEnough(key.Trim(), configuration.Resolved[AgentSettings.ApiKey.Key].SourceName, "the key");
        }

        return configuration.ApiKeyFile is { } file ? ReadApiKeyFile(file, configuration) : null;
    }

    private static string ReadApiKeyFile(string path, AgentConfiguration configuration)
    {
        var source = configuration.Resolved[AgentSettings.ApiKeyFile.Key].SourceName;
        string key;
        try
        {
            key = ConfigTreeReader.ReadBounded(path, "API key file").Trim();
        }
        catch (LeakWatchException e)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{source}: {e.Message}", e);
        }

        // A key others can read is no secret. The mode of the file itself, after symlinks (a Kubernetes Secret volume
        // links each key to ..data/KEY): mount it with defaultMode 0400.
        var mode = OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration,
                $"{source}: the API key file {path} is open to other users (mode {Octal(mode)}): make it owner-only with chmod 600 {path} (in Kubernetes, defaultMode: 0400).");
        }

        return LongEnough(key, source, $"the API key file {path}");
    }

    private static string LongEnough(string key, string source, string what)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(key);
        return bytes == 0 ? throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{source}: {what} is empty.")
            : bytes < MinimumApiKeyBytes ? throw new LeakWatchException(ExitCode.InvalidConfiguration,
                $"{source}: {what} is {bytes} bytes; a key needs at least {MinimumApiKeyBytes}: make one with openssl rand -hex 24.")
            : key;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
