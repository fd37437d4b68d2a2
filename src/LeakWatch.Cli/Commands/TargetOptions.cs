using System.CommandLine;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Options;

namespace LeakWatch.Cli.Commands;

/// <summary>The options every command that picks one process shares: --pid or --name.</summary>
internal sealed class TargetOptions
{
    public Option<int?> Pid { get; } = new("--pid", "-p")
    {
        Description = "The process id of the .NET process to watch.",
        HelpName = "pid",
    };

    public Option<string?> Name { get; } = new("--name", "-n")
    {
        Description = "The name of the .NET process to watch (as 'leakwatch ps' shows it); must match exactly one.",
        HelpName = "name",
    };

    /// <param name="requireOne">Refuse a command line without exactly one of --pid and --name (attach checks its own).</param>
    public void AddTo(Command command, bool requireOne = true)
    {
        command.Options.Add(Pid);
        command.Options.Add(Name);
        if (!requireOne)
        {
            return;
        }

        command.Validators.Add(result =>
        {
            var hasPid = result.GetResult(Pid) is not null;
            var hasName = result.GetResult(Name) is not null;
            if (hasPid == hasName)
            {
                result.AddError(hasPid ? "Give --pid or --name, not both." : "Say which process to watch with --pid or --name (see 'leakwatch ps').");
            }
        });
    }

    public TargetProcess Resolve(ParseResult parseResult) =>
        parseResult.GetValue(Pid) is { } pid ? TargetResolver.ByPid(pid) : TargetResolver.ByName(parseResult.GetValue(Name)!);

    /// <summary>
    /// A duration option checked by a setting's parser, its default written in the description ("[default: 1s]"):
    /// System.CommandLine would print a default value as a TimeSpan ("00:00:01"). Read it with <see cref="DurationOrDefault"/>.
    /// </summary>
    public static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue, AgentSetting setting) => new(name)
    {
        Description = $"{description} [default: {DurationParser.Format(defaultValue)}]",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (setting.Value.Problem(text) is { } problem)
            {
                result.AddError($"{name}: {problem}.");
                return default;
            }

            return SettingValue.ParseDuration(text);
        },
    };

    public static TimeSpan DurationOrDefault(ParseResult parseResult, Option<TimeSpan> option, TimeSpan defaultValue) =>
        parseResult.GetResult(option) is { Implicit: false } ? parseResult.GetValue(option) : defaultValue;
}
