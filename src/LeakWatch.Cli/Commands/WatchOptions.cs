using System.CommandLine;
using LeakWatch.Agent.Configuration;
using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Cli.Rendering;
using LeakWatch.Core.Async;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Options;

namespace LeakWatch.Cli.Commands;

/// <summary>
/// The flags of watching targets, shared by <c>attach</c> and <c>demo</c>. Every flag but <c>--output</c> and
/// <c>--config</c> is an <see cref="AgentSetting"/>: it is checked by its setting's one parser at parse time (exit 2),
/// then handed as a layer to <see cref="LeakWatchOptionsBinder"/>, which merges it over LEAKWATCH_* variables and the
/// config file (docs/configuration.md). Running the agent is <see cref="WatchRunner"/>'s.
/// </summary>
internal sealed class WatchOptions
{
    public Option<string> Urls { get; } = new("--urls")
    {
        Description = $"Where to serve /metrics, for example http://0.0.0.0:{HttpDefaults.Port} to listen on every interface. 'none' serves nothing. [env: LEAKWATCH_URLS]",
        HelpName = "url",
        DefaultValueFactory = _ => HttpDefaults.Url.ToString().TrimEnd('/'),
    };

    public Option<string> Interval { get; } = Text("--interval", "duration", $"How often the target publishes its counters. [env: LEAKWATCH_INTERVAL] [default: {DurationParser.Format(CounterSourceDefaults.Interval)}]");

    public Option<string> Duration { get; } = Text("--duration", "duration", "Stop after this long (for scripts), for example 30s or 10m. Default: until the target exits or Ctrl+C. [env: LEAKWATCH_DURATION]");

    public Option<string[]> Labels { get; } = List("--label", "key=value", "A label added to every series, as key=value (repeatable): service, team, module. [env: LEAKWATCH_LABELS=k=v,k2=v2]");

    public Option<string[]> Meters { get; } = List("--meter", "name", "Also stream this System.Diagnostics.Metrics meter of the app (repeatable); its tags become labels. [env: LEAKWATCH_METERS=a,b]");

    public Option<OutputMode> Output { get; } = new("--output", "-o")
    {
        Description = "How to show values: a live table when stdout is a terminal, one line per interval otherwise, or JSON lines.",
        DefaultValueFactory = _ => OutputMode.Auto,
    };

    public Option<string> SnapshotDir { get; } = Text("--snapshot-dir", "dir",
        $"Where stack snapshots taken when a rule fires are written (json, txt, folded); the newest {SnapshotDefaults.KeepCount} and at most {SnapshotDefaults.KeepBytes / (1024 * 1024)} MiB are kept. Default: no files, a summary only. [env: LEAKWATCH_SNAPSHOT_DIR]");

    public Option<bool> SnapshotBaseline { get; } = new("--snapshot-baseline")
    {
        Description = "Take a stack snapshot when a target is first watched, so the first triggered one shows what grew since (on by default; --snapshot-baseline false turns it off). [env: LEAKWATCH_SNAPSHOT_BASELINE]",
    };

    public Option<string> MaxPause { get; } = Text("--max-pause", "duration",
        $"The longest a stack snapshot may keep the target suspended; past it the snapshot is partial. [env: LEAKWATCH_MAX_PAUSE] [default: {DurationParser.Format(SnapshotDefaults.MaxPause)}]");

    public Option<string> CopyBudget { get; } = CopyBudgetOption(" [env: LEAKWATCH_COPY_BUDGET]");

    public Option<string> SnapshotVia { get; } = SnapshotRouteOption();

    public Option<string> DumpDir { get; } = DumpDirOption();

    public Option<string> Rules { get; } = Text("--rules", "file", "A rules file (JSON or YAML) that adds rules, tunes the built-in ones by name, sets throttling and webhooks. See docs/rules.md. [env: LEAKWATCH_RULES_FILE]");

    public Option<string[]> Thresholds { get; } = List("--threshold", "series=value",
        "A threshold rule as SERIES=VALUE (repeatable): fires when the series stays above VALUE for 10s, for example process_num_threads=500. [env: LEAKWATCH_THRESHOLDS]");

    public Option<string[]> Growth { get; } = List("--growth", "series=rate", "A growth rule as SERIES=RATE per second (repeatable), for example process_open_fds=0.5. [env: LEAKWATCH_GROWTH]");

    public Option<string[]> Webhooks { get; } = List("--webhook", "url",
        "POST each leak trigger to this URL (repeatable). Format from the host (Slack, DingTalk, WeCom) or a prefix: generic=, slack=, dingtalk=, wecom=. [env: LEAKWATCH_WEBHOOKS]");

    public Option<bool> NoDefaultRules { get; } = new("--no-default-rules")
    {
        Description = "Do not run the built-in leak rules (thread, task, timer, thread-pool starvation, descriptor leaks). [env: LEAKWATCH_NO_DEFAULT_RULES]",
    };

    public Option<string> AsyncOps { get; } = Text("--async-ops", "on|off",
        "Count pending async operations per method, live (leakwatch_async_operations_pending; .NET 9+ targets). [env: LEAKWATCH_ASYNC_OPS] [default: on]");

    public Option<string> AsyncOpsTop { get; } = Text("--async-ops-top", "count",
        $"How many methods with the most pending async operations are shown by name; the rest are summed as method=\"other\". [env: LEAKWATCH_ASYNC_OPS_TOP] [default: {AsyncTrackingDefaults.TopMethods}]");

    /// <summary>Hidden: the target-side EventPipe buffer of the async signal (tests force lost events with a tiny one).</summary>
    public Option<string> AsyncOpsBufferMB { get; } = new("--async-ops-buffer-mb") { Hidden = true };

    /// <summary>Hidden: also track garbage-collected leaked operations (keyword 0x100; makes async boxes finalizable).</summary>
    public Option<bool> AsyncOpsTrackCollected { get; } = new("--async-ops-track-collected") { Hidden = true };

    /// <summary>Hidden: tell same-named async methods apart by stack walks at low rates (on) or never walk stacks (off).</summary>
    public Option<string> AsyncOpsStacks { get; } = new("--async-ops-stacks") { Hidden = true };

    public Option<string> ApiKeyFile { get; } = Text("--api-key-file", "file",
        "A file holding the key that turns on POST /snapshots (Authorization: Bearer KEY). Or set LEAKWATCH_API_KEY; never a flag value, which ps would show. [env: LEAKWATCH_API_KEY_FILE]");

    public Option<string> Config { get; } = Text("--config", "file",
        "A YAML or JSON file of settings (docs/configuration.md); flags and LEAKWATCH_* variables override it. [env: LEAKWATCH_CONFIG]");

    /// <summary>The LEAKWATCH_* environment, read once per bind; tests may replace it.</summary>
    public Func<IReadOnlyDictionary<string, string>> Environment { get; init; } = EnvironmentSource.ReadProcess;

    /// <summary>Every flag that is a setting of the options model, with its setting.</summary>
    private (AgentSetting Setting, Option Option)[] Settings =>
    [
        (AgentSettings.Urls, Urls),
        (AgentSettings.Interval, Interval),
        (AgentSettings.Duration, Duration),
        (AgentSettings.Labels, Labels),
        (AgentSettings.Meters, Meters),
        (AgentSettings.SnapshotDir, SnapshotDir),
        (AgentSettings.SnapshotBaseline, SnapshotBaseline),
        (AgentSettings.MaxPause, MaxPause),
        (AgentSettings.CopyBudget, CopyBudget),
        (AgentSettings.SnapshotVia, SnapshotVia),
        (AgentSettings.DumpDir, DumpDir),
        (AgentSettings.RulesFile, Rules),
        (AgentSettings.Thresholds, Thresholds),
        (AgentSettings.Growth, Growth),
        (AgentSettings.Webhooks, Webhooks),
        (AgentSettings.NoDefaultRules, NoDefaultRules),
        (AgentSettings.AsyncOps, AsyncOps),
        (AgentSettings.AsyncOpsTop, AsyncOpsTop),
        (AgentSettings.AsyncOpsBufferMB, AsyncOpsBufferMB),
        (AgentSettings.AsyncOpsTrackCollected, AsyncOpsTrackCollected),
        (AgentSettings.AsyncOpsStacks, AsyncOpsStacks),
        (AgentSettings.ApiKeyFile, ApiKeyFile),
    ];

    /// <param name="extraSettings">Settings the command declares itself (attach's --all and --diagnostic-port).</param>
    public void AddTo(Command command, params (AgentSetting Setting, Option Option)[] extraSettings)
    {
        _extraSettings = extraSettings;
        foreach (var (setting, option) in Settings.Concat(extraSettings))
        {
            command.Options.Add(option);
            ValidateWithSetting(option, setting);
        }

        command.Options.Add(Output);
        command.Options.Add(Config);
    }

    private (AgentSetting Setting, Option Option)[] _extraSettings = [];

    /// <summary>Whether settings beyond the flags may pick the targets (a config file, LEAKWATCH_ALL, LEAKWATCH_DIAGNOSTIC_PORT).</summary>
    public bool MayComeFromConfiguration(bool configFlagGiven)
    {
        var environment = Environment();
        return configFlagGiven
               || environment.ContainsKey(AgentSettings.ConfigFileVariable)
               || environment.ContainsKey(AgentSettings.AllProcesses.EnvironmentVariable!)
               || environment.ContainsKey(AgentSettings.DiagnosticPort.EnvironmentVariable!);
    }

    /// <summary>Flags over LEAKWATCH_* variables over the config file, validated (exit code 7 naming source and field).</summary>
    public AgentConfiguration ReadConfiguration(ParseResult parseResult) =>
        LeakWatchOptionsBinder.ReadConfiguration(FlagsLayer(parseResult), Environment(), parseResult.GetValue(Config));

    /// <summary>The whole options tree; <paramref name="target"/> is the process the flags named, if any.</summary>
    public LeakWatchOptions Bind(ParseResult parseResult, TargetProcess? target, string? nameFilter = null, AgentConfiguration? configuration = null)
    {
        configuration ??= ReadConfiguration(parseResult);
        return LeakWatchOptionsBinder.Bind(configuration, LeakWatchOptionsBinder.Targets(configuration, target, nameFilter));
    }

    /// <summary>The route option of both commands: <c>--snapshot-via</c>, with <c>--via</c> kept as a deprecated alias.</summary>
    /// <summary><c>--dump-dir</c>: the runtime writes the dump there as the app sees the path, and leakwatch reads it there.</summary>
    public static Option<string> DumpDirOption() => new("--dump-dir")
    {
        HelpName = "dir",
        Description = "Where --snapshot-via dump has the target write its dump (read, then deleted). In a sidecar, a volume both containers mount " +
                      "at the same path (an emptyDir such as /diag). [env: LEAKWATCH_DUMP_DIR] [default: the temp directory]",
    };

    /// <param name="environmentNote">" [env: ...]" where the command reads the setting's variable too (attach), else "".</param>
    public static Option<string> CopyBudgetOption(string environmentNote)
    {
        var option = new Option<string>("--copy-budget")
        {
            HelpName = "auto|size",
            Description = "Target memory a snapshot may copy to walk it with the target running (frozen only for the copy); a larger target is " +
                          "walked frozen, under --max-pause. auto: what the agent's memory allows (its container limit less what it holds, a quarter " +
                          $"of the host's available memory, 1GiB at most). 0: always walk frozen.{environmentNote} [default: auto]",
        };
        ValidateWithSetting(option, AgentSettings.CopyBudget);
        return option;
    }

    public static Option<string> SnapshotRouteOption()
    {
        var option = new Option<string>("--snapshot-via", "--via")
        {
            HelpName = "attach|dump|eventpipe",
            Description = "How snapshots read the target: attach (ptrace, suspended for the walk), dump (a heap dump through the diagnostic port, " +
                          "read and deleted; no ptrace, the dump grows with threads x stack size) or eventpipe (thread stacks only, sampled through the " +
                          "diagnostic port: no ptrace, a pause of milliseconds, no async chains or heap). --via is a deprecated alias. [env: LEAKWATCH_SNAPSHOT_VIA] [default: attach]",
        };
        ValidateWithSetting(option, AgentSettings.SnapshotVia);
        return option;
    }

    /// <summary>A flag's every value checked by its setting's parser: "--interval: '1x' is not a duration such as ...".</summary>
    private static void ValidateWithSetting(Option option, AgentSetting setting) =>
        option.Validators.Add(result =>
        {
            foreach (var token in result.Implicit ? [] : result.Tokens)
            {
                foreach (var item in setting.Items(token.Value))
                {
                    if (setting.Value.Problem(item) is { } problem)
                    {
                        result.AddError($"{option.Name}: {problem}.");
                        return;
                    }
                }
            }
        });

    private ConfigurationLayer FlagsLayer(ParseResult parseResult)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (setting, option) in Settings.Concat(_extraSettings))
        {
            if (parseResult.GetResult(option) is { Implicit: false } result)
            {
                // A flag given without a value is a boolean switch (--all, --snapshot-baseline).
                values[setting.Key] = result.Tokens.Count == 0 ? "true" : string.Join(',', result.Tokens.Select(t => t.Value));
            }
        }

        return new ConfigurationLayer(ConfigurationSourceKind.Flags, values);
    }

    private static Option<string> Text(string name, string helpName, string description) => new(name) { Description = description, HelpName = helpName };

    private static Option<string[]> List(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = false };
}
