using System.CommandLine;
using LeakWatch.Core.Configuration;

namespace LeakWatch.Cli.Commands;

/// <summary>
/// <c>leakwatch attach</c>: stream the counters of one process (<c>--pid</c>/<c>--name</c>), of every process the
/// agent can see (<c>--all</c>), or of every runtime connecting to a diagnostic port (<c>--diagnostic-port</c>), to
/// the terminal and to /metrics.
/// </summary>
internal sealed class AttachCommand : Command
{
    public AttachCommand()
        : this(new WatchOptions())
    {
    }

    /// <param name="watch">The watch options (tests pass one with a fixed environment).</param>
    internal AttachCommand(WatchOptions watch)
        : base("attach", "Attach to running .NET processes and stream their counters to the terminal and to a Prometheus /metrics endpoint.")
    {
        Watch = watch;
        Target.AddTo(this, requireOne: false);
        Watch.AddTo(this, (AgentSettings.AllProcesses, All), (AgentSettings.DiagnosticPort, DiagnosticPort));
        Validators.Add(result =>
        {
            var pid = result.GetResult(Target.Pid) is not null;
            var name = result.GetResult(Target.Name) is not null;
            var all = result.GetResult(All) is not null;
            var port = result.GetResult(DiagnosticPort) is not null;
            if (pid && name)
            {
                result.AddError("Give --pid or --name, not both.");
            }
            else if ((pid ? 1 : 0) + (all ? 1 : 0) + (port ? 1 : 0) > 1 || (name && port))
            {
                result.AddError("Give one of --pid, --name, --all and --diagnostic-port (--name may narrow --all).");
            }
            else if (!pid && !name && !all && !port && !Watch.MayComeFromConfiguration(result.GetResult(Watch.Config) is not null))
            {
                result.AddError("Say which process to watch with --pid or --name, or watch many with --all or --diagnostic-port (see 'leakwatch ps').");
            }
        });
        SetAction(async (parseResult, cancellation) =>
        {
            var configuration = Watch.ReadConfiguration(parseResult);
            var pid = parseResult.GetValue(Target.Pid);
            var name = parseResult.GetValue(Target.Name);
            // --name alone picks one process; with --all it narrows the discovery.
            var target = pid is not null || (name is not null && parseResult.GetResult(All) is not { Implicit: false }) ? Target.Resolve(parseResult) : null;
            var options = Watch.Bind(parseResult, target, name, configuration);
            return await WatchRunner.RunAsync(options, parseResult.GetValue(Watch.Output), parseResult, cancellation).ConfigureAwait(false);
        });
    }

    public TargetOptions Target { get; } = new();

    public Option<bool> All { get; } = new("--all")
    {
        Description = "Watch every .NET process leakwatch can see (a pod with shareProcessNamespace, a node), picking up new ones and dropping gone ones. With --name, only those of that name.",
    };

    public Option<string?> DiagnosticPort { get; } = new("--diagnostic-port")
    {
        Description = "Listen on this Unix socket for apps started with DOTNET_DiagnosticPorts=PATH,nosuspend and watch each one that connects, again after it restarts.",
        HelpName = "path",
    };

    public WatchOptions Watch { get; }
}
