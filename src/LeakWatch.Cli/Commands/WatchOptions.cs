using System.Collections;
using System.CommandLine;
using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Counters;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Hosting;
using LeakWatch.Agent.Rules;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Cli.Rendering;
using LeakWatch.Core;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Options;
using LeakWatch.Core.Rules;

namespace LeakWatch.Cli.Commands;

/// <summary>
/// The options of watching targets, shared by <c>attach</c> and <c>demo</c>, and the loop that runs it. Settings come
/// from flags, LEAKWATCH_* variables and the config file, in that precedence (docs/configuration.md).
/// </summary>
internal sealed class WatchOptions
{
    public Option<string> Urls { get; } = new("--urls")
    {
        Description = $"Where to serve /metrics, for example http://0.0.0.0:{AttachDefaults.Port} to listen on every interface. 'none' serves nothing. [env: LEAKWATCH_URLS]",
        HelpName = "url",
        DefaultValueFactory = _ => AttachDefaults.Url.ToString().TrimEnd('/'),
    };

    public Option<TimeSpan> Interval { get; } = TargetOptions.DurationOption(
        "--interval", "How often the target publishes its counters. [env: LEAKWATCH_INTERVAL]", CounterSourceDefaults.Interval, AgentConfiguration.MinimumInterval);

    public Option<TimeSpan?> Duration { get; } = TargetOptions.OptionalDurationOption(
        "--duration", "Stop after this long (for scripts), for example 30s or 10m. Default: until the target exits or Ctrl+C.", TimeSpan.FromSeconds(1));

    public Option<string[]> Labels { get; } = new("--label")
    {
        Description = "A label added to every series, as key=value (repeatable): service, team, module. [env: LEAKWATCH_LABELS=k=v,k2=v2]",
        HelpName = "key=value",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Meters { get; } = new("--meter")
    {
        Description = "Also stream this System.Diagnostics.Metrics meter of the app (repeatable); its tags become labels. [env: LEAKWATCH_METERS=a,b]",
        HelpName = "name",
    };

    public Option<OutputMode> Output { get; } = new("--output", "-o")
    {
        Description = "How to show values: a live table when stdout is a terminal, one line per interval otherwise, or JSON lines.",
        DefaultValueFactory = _ => OutputMode.Auto,
    };

    public Option<string?> SnapshotDir { get; } = new("--snapshot-dir")
    {
        Description = $"Where stack snapshots taken when a rule fires are written (json, txt, folded); the newest {SnapshotDefaults.KeepCount} and at most {SnapshotDefaults.KeepBytes / (1024 * 1024)} MiB are kept. Default: no files, a summary only. [env: LEAKWATCH_SNAPSHOT_DIR]",
        HelpName = "dir",
    };

    public Option<bool> SnapshotBaseline { get; } = new("--snapshot-baseline")
    {
        Description = "Take a stack snapshot when a target is first watched, so the first triggered one shows what grew since. [env: LEAKWATCH_SNAPSHOT_BASELINE]",
    };

    public Option<TimeSpan> MaxPause { get; } = TargetOptions.DurationOption(
        "--max-pause", "The longest a stack snapshot may keep the target suspended; past it the snapshot is partial. [env: LEAKWATCH_MAX_PAUSE]", SnapshotDefaults.MaxPause, AgentConfiguration.MinimumMaxPause);

    public Option<SnapshotRoute> SnapshotVia { get; } = new("--snapshot-via")
    {
        HelpName = "attach|dump|eventpipe",
        Description = "How snapshots read the target: attach (ptrace, suspended), dump (through the diagnostic port, when ptrace is refused) or eventpipe (thread stacks only, no heap walk). [env: LEAKWATCH_SNAPSHOT_VIA]",
        DefaultValueFactory = _ => SnapshotRoute.Attach,
    };

    public Option<string?> Rules { get; } = new("--rules")
    {
        Description = "A rules file (JSON or YAML) that adds rules, tunes the built-in ones by name, sets throttling and webhooks. See docs/rules.md.",
        HelpName = "file",
    };

    public Option<string[]> Thresholds { get; } = new("--threshold")
    {
        Description = "A threshold rule as SERIES=VALUE (repeatable): fires when the series stays above VALUE for 10s, for example process_num_threads=500.",
        HelpName = "series=value",
    };

    public Option<string[]> Growth { get; } = new("--growth")
    {
        Description = "A growth rule as SERIES=RATE per second (repeatable), for example process_open_fds=0.5.",
        HelpName = "series=rate",
    };

    public Option<string[]> Webhooks { get; } = new("--webhook")
    {
        Description = "POST each leak trigger to this URL (repeatable). Format from the host (Slack, DingTalk, WeCom) or a prefix: generic=, slack=, dingtalk=, wecom=.",
        HelpName = "url",
    };

    public Option<bool> NoDefaultRules { get; } = new("--no-default-rules")
    {
        Description = "Do not run the built-in leak rules (thread, task, timer, thread-pool starvation, descriptor leaks).",
    };

    public Option<string> AsyncOps { get; } = new("--async-ops")
    {
        Description = "Count pending async operations per method, live (leakwatch_async_operations_pending; .NET 9+ targets).",
        HelpName = "on|off",
        DefaultValueFactory = _ => AsyncOperationsDefaults.Enabled ? "on" : "off",
    };

    public Option<int> AsyncOpsTop { get; } = new("--async-ops-top")
    {
        Description = "How many methods with the most pending async operations are shown by name; the rest are summed as method=\"other\".",
        HelpName = "count",
        DefaultValueFactory = _ => Core.Async.AsyncTrackingDefaults.TopMethods,
    };

    /// <summary>Hidden: the target-side EventPipe buffer of the async signal (tests force lost events with a tiny one).</summary>
    public Option<int> AsyncOpsBufferMB { get; } = new("--async-ops-buffer-mb")
    {
        Hidden = true,
        DefaultValueFactory = _ => AsyncOperationsDefaults.BufferSizeMB,
    };

    /// <summary>Hidden: also track garbage-collected leaked operations (keyword 0x100; makes async boxes finalizable).</summary>
    public Option<bool> AsyncOpsTrackCollected { get; } = new("--async-ops-track-collected")
    {
        Hidden = true,
        DefaultValueFactory = _ => AsyncOperationsDefaults.TrackCollected,
    };

    /// <summary>Hidden: tell same-named async methods apart by stack walks at low rates (on) or never walk stacks (off).</summary>
    public Option<string> AsyncOpsStacks { get; } = new("--async-ops-stacks")
    {
        Hidden = true,
        DefaultValueFactory = _ => AsyncOperationsDefaults.StackAttribution ? "on" : "off",
    };

    public Option<string?> ApiKeyFile { get; } = new("--api-key-file")
    {
        Description = "A file holding the key that turns on POST /snapshots (Authorization: Bearer KEY). Or set LEAKWATCH_API_KEY; never a flag value, which ps would show. [env: LEAKWATCH_API_KEY_FILE]",
        HelpName = "file",
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "A YAML or JSON file of settings (docs/configuration.md); flags and LEAKWATCH_* variables override it. [env: LEAKWATCH_CONFIG]",
        HelpName = "file",
    };

    /// <summary>The process environment, read once per bind; tests may replace it.</summary>
    public Func<IReadOnlyDictionary<string, string>> Environment { get; init; } = ReadEnvironment;

    public void AddTo(Command command)
    {
        AsyncOpsStacks.AcceptOnlyFromAmong("on", "off");
        AsyncOps.AcceptOnlyFromAmong("on", "off");
        AsyncOpsTop.Validators.Add(result =>
        {
            if (new Core.Async.AsyncTrackingOptions { TopMethods = result.GetValueOrDefault<int>() }.Validate() is { } error)
            {
                result.AddError("--async-ops-top: " + error);
            }
        });
        AsyncOpsBufferMB.Validators.Add(result =>
        {
            if (new AsyncOperationsOptions { BufferSizeMB = result.GetValueOrDefault<int>() }.Validate() is { } error)
            {
                result.AddError("--async-ops-buffer-mb: " + error);
            }
        });
        command.Options.Add(Urls);
        command.Options.Add(Interval);
        command.Options.Add(Duration);
        command.Options.Add(Labels);
        command.Options.Add(Meters);
        command.Options.Add(Output);
        command.Options.Add(SnapshotDir);
        command.Options.Add(SnapshotBaseline);
        command.Options.Add(MaxPause);
        command.Options.Add(SnapshotVia);
        command.Options.Add(Rules);
        command.Options.Add(Thresholds);
        command.Options.Add(Growth);
        command.Options.Add(Webhooks);
        command.Options.Add(NoDefaultRules);
        command.Options.Add(AsyncOps);
        command.Options.Add(AsyncOpsTop);
        command.Options.Add(AsyncOpsBufferMB);
        command.Options.Add(AsyncOpsTrackCollected);
        command.Options.Add(AsyncOpsStacks);
        command.Options.Add(ApiKeyFile);
        command.Options.Add(Config);
        ValidateEachValue(Labels, text => LabelParser.TryParse(text, out _, out var error) ? null : error);
        ValidateEachValue(Thresholds, text => RuleShortcuts.TryParseThreshold(text, out _, out var error) ? null : error);
        ValidateEachValue(Growth, text => RuleShortcuts.TryParseGrowth(text, out _, out var error) ? null : error);
        ValidateEachValue(Webhooks, text => WebhookParser.TryParse(text, out _, out var error) ? null : error);
        Urls.Validators.Add(result =>
        {
            if (result.Implicit)
            {
                return;
            }

            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!ListenUrl.TryParse(text, out _))
            {
                result.AddError($"--urls takes an http:// URL with a port, such as http://127.0.0.1:{AttachDefaults.Port}, not '{text}'.");
            }
        });
    }

    /// <summary>Whether settings beyond the flags may pick the targets (a config file, LEAKWATCH_ALL, LEAKWATCH_DIAGNOSTIC_PORT).</summary>
    public static bool MayComeFromConfiguration(bool configFlagGiven)
    {
        var environment = ReadEnvironment();
        return configFlagGiven
               || environment.ContainsKey(AgentSettings.ConfigFileVariable)
               || environment.ContainsKey(AgentSettings.AllProcesses.EnvironmentVariable!)
               || environment.ContainsKey(AgentSettings.DiagnosticPort.EnvironmentVariable!);
    }

    /// <summary>Flags over LEAKWATCH_* variables over the config file, validated (exit code 7 naming source and field).</summary>
    public AgentConfiguration ReadConfiguration(ParseResult parseResult, params (AgentSetting Setting, Option Option)[] extraFlags)
    {
        var environment = Environment();
        var layers = new List<ConfigurationLayer> { FlagsLayer(parseResult, extraFlags), ConfigurationLayer.FromEnvironment(environment) };
        var configFile = parseResult.GetValue(Config) ?? (environment.TryGetValue(AgentSettings.ConfigFileVariable, out var path) && path.Length > 0 ? path : null);
        if (configFile is not null)
        {
            layers.Add(ConfigFileReader.Read(configFile));
        }

        return AgentConfiguration.Bind(layers);
    }

    public AttachOptions Bind(ParseResult parseResult, TargetProcess? target, AgentConfiguration? configuration = null)
    {
        configuration ??= ReadConfiguration(parseResult);
        return new AttachOptions
        {
            Target = target,
            Url = configuration.UrlsGiven ? configuration.Url : AttachDefaults.Url,
            Duration = parseResult.GetValue(Duration),
            Labels = configuration.Labels,
            Counters = new CounterSourceOptions
            {
                Interval = configuration.Interval ?? CounterSourceDefaults.Interval,
                Meters = configuration.Meters,
            },
            Snapshots = new SnapshotRecorderOptions
            {
                Directory = configuration.SnapshotDir,
                Baseline = configuration.SnapshotBaseline,
                Snapshot = new SnapshotOptions
                {
                    MaxPause = configuration.MaxPause ?? SnapshotDefaults.MaxPause,
                    Route = configuration.SnapshotVia switch { "dump" => SnapshotRoute.Dump, "eventpipe" => SnapshotRoute.EventPipe, _ => SnapshotRoute.Attach },
                },
            },
            AsyncOperations = new AsyncOperationsOptions
            {
                Enabled = parseResult.GetValue(AsyncOps) == "on",
                Tracking = new Core.Async.AsyncTrackingOptions { TopMethods = parseResult.GetValue(AsyncOpsTop) },
                BufferSizeMB = parseResult.GetValue(AsyncOpsBufferMB),
                TrackCollected = parseResult.GetValue(AsyncOpsTrackCollected),
                StackAttribution = parseResult.GetValue(AsyncOpsStacks) == "on",
            },
            ApiKey = configuration.ApiKey ?? (configuration.ApiKeyFile is { } file ? ReadApiKeyFile(file, configuration) : null),
        };
    }

    public RuleSources BindRules(ParseResult parseResult) => new()
    {
        RulesFile = parseResult.GetValue(Rules),
        Thresholds = parseResult.GetValue(Thresholds) ?? [],
        Growth = parseResult.GetValue(Growth) ?? [],
        Webhooks = parseResult.GetValue(Webhooks) ?? [],
        NoDefaultRules = parseResult.GetValue(NoDefaultRules),
    };

    public async Task<int> RunAsync(ParseResult parseResult, TargetProcess target, CancellationToken cancellation) =>
        await RunAsync(Bind(parseResult, target), parseResult, cancellation).ConfigureAwait(false);

    public async Task<int> RunAsync(AttachOptions options, ParseResult parseResult, CancellationToken cancellation)
    {
        var rules = RuleIntervalFit.Fit(
            RuleConfigurationLoader.Load(BindRules(parseResult), System.Environment.GetEnvironmentVariable), options.Counters.Interval, out var ruleNotes);
        var output = parseResult.InvocationConfiguration.Output;
        var renderer = RendererFactory.Create(parseResult.GetValue(Output), output);
        await using var session = new AttachSession(options, TimeProvider.System);
        session.Message += renderer.Message;

        // Disposed in reverse: the action runner drains first, then the webhook senders.
        await using var webhooks = rules.Webhooks.Count > 0 ? new WebhookAction(rules.Webhooks, new WebhookDeliveryOptions(), session.Exporter.Registry) : null;
        await using var actions = new LeakActionRunner(session.Health, LeakActionDefaults.ActionTimeout);
        actions.Message += renderer.Message;
        // The snapshot first, so webhooks carry its top growing groups.
        var snapshotAction = new SnapshotLeakAction(session.Snapshots);
        snapshotAction.Message += renderer.Message;
        actions.Add(snapshotAction);
        if (webhooks is not null)
        {
            webhooks.Message += renderer.Message;
            actions.Add(webhooks);
        }

        var ruleSink = new RuleEvaluationSink(rules, new RuleMetrics(session.Exporter.Registry, options.Labels), actions);
        ruleSink.Triggered += trigger => renderer.Message(trigger.Message);
        ruleSink.Cleared += (_, verdict) => renderer.Message(verdict.Describe());
        ruleSink.Message += renderer.Message;
        session.AddSink(ruleSink);
        // A process that is gone (--all, --diagnostic-port) takes its rule state and rule series with it.
        session.TargetStopped += ruleSink.RemoveTarget;
        session.StartServer();

        var where = session.Server is null ? "." : $"; metrics at {session.Server.MetricsUrl}";
        var every = DurationParser.Format(options.Counters.Interval);
        if (options.Target is { } target)
        {
            var runtime = target.RuntimeVersion is { } version ? $".NET {version.ToString(3)}" : ".NET (version unknown)";
            renderer.Message($"Watching {target.Name} (pid {target.Pid}, {runtime}) every {every}{where}");
        }
        else if (options.AllProcesses)
        {
            var which = options.NameFilter is null ? "every .NET process" : $"every .NET process named {options.NameFilter}";
            renderer.Message($"Watching {which} this user can see, every {every}{where}");
        }
        else
        {
            renderer.Message($"Watching the apps connecting to {options.DiagnosticPort}, every {every}{where}");
        }

        var active = rules.ActiveRules.Select(r => r.Name).ToList();
        renderer.Message(active.Count == 0
            ? "No leak rules."
            : $"Leak rules: {string.Join(", ", active)}" + (rules.Webhooks.Count > 0 ? $"; {rules.Webhooks.Count} webhook(s)." : "."));
        foreach (var note in ruleNotes)
        {
            renderer.Message(note);
        }

        using var stopRendering = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var rendering = RenderLoopAsync(session, renderer, options.Counters.Interval, stopRendering.Token);
        AttachOutcome outcome;
        try
        {
            outcome = await session.RunAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            await stopRendering.CancelAsync().ConfigureAwait(false);
            await rendering.ConfigureAwait(false);
        }

        renderer.Message(outcome switch
        {
            AttachOutcome.TargetExited => $"Process {options.Target!.Pid} ({options.Target.Name}) exited.",
            AttachOutcome.DurationElapsed => $"Stopped after {DurationParser.Format(options.Duration!.Value)}.",
            _ => "Stopped.",
        });
        return (int)ExitCode.Success;
    }

    /// <summary>A repeatable option whose every value must parse; <paramref name="errorOf"/> returns null for a good value.</summary>
    private static void ValidateEachValue(Option<string[]> option, Func<string, string?> errorOf) =>
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (errorOf(token.Value) is { } error)
                {
                    result.AddError($"{option.Name} {error}");
                }
            }
        });

    private ConfigurationLayer FlagsLayer(ParseResult parseResult, (AgentSetting Setting, Option Option)[] extraFlags)
    {
        (AgentSetting, Option)[] flags =
        [
            (AgentSettings.Urls, Urls),
            (AgentSettings.Interval, Interval),
            (AgentSettings.Labels, Labels),
            (AgentSettings.Meters, Meters),
            (AgentSettings.SnapshotDir, SnapshotDir),
            (AgentSettings.SnapshotBaseline, SnapshotBaseline),
            (AgentSettings.MaxPause, MaxPause),
            (AgentSettings.SnapshotVia, SnapshotVia),
            (AgentSettings.ApiKeyFile, ApiKeyFile),
            .. extraFlags,
        ];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (setting, option) in flags)
        {
            if (parseResult.GetResult(option) is { Implicit: false } result)
            {
                // A flag given without a value is a boolean switch (--all, --snapshot-baseline).
                values[setting.Key] = result.Tokens.Count == 0 ? "true" : string.Join(',', result.Tokens.Select(t => t.Value));
            }
        }

        return new ConfigurationLayer(ConfigurationSourceKind.Flags, values);
    }

    private static string ReadApiKeyFile(string path, AgentConfiguration configuration)
    {
        var source = configuration.Resolved[AgentSettings.ApiKeyFile.Key].SourceName;
        string key;
        try
        {
            key = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{source}: cannot read the API key file {path}: {e.Message}", e);
        }

        return key.Length > 0 ? key : throw new LeakWatchException(ExitCode.InvalidConfiguration, $"{source}: the API key file {path} is empty.");
    }

    private static IReadOnlyDictionary<string, string> ReadEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(AgentSettings.EnvironmentPrefix, StringComparison.Ordinal) && entry.Value is string value)
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    private static async Task RenderLoopAsync(AttachSession session, IRenderer renderer, TimeSpan interval, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
            {
                renderer.Render(session.Store.Snapshot(), TimeProvider.System.GetUtcNow());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
