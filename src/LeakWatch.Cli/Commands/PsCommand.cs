using System.CommandLine;
using System.Globalization;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Cli.Commands;

/// <summary><c>leakwatch ps</c>: the .NET processes this user can attach to.</summary>
internal sealed class PsCommand : Command
{
    public PsCommand()
        : base("ps", "List the .NET processes you can attach to: pid, name, runtime version and command line.")
    {
        SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var processes = TargetResolver.ListAttachable();
            if (processes.Count == 0)
            {
                output.WriteLine("No .NET processes found that this user can attach to.");
                return 0;
            }

            var nameWidth = Math.Max(4, processes.Max(p => p.Name.Length));
            output.WriteLine($"{"PID",7}  {"NAME".PadRight(nameWidth)}  {"RUNTIME",-8}  COMMAND");
            foreach (var process in processes)
            {
                var runtime = process.RuntimeVersion?.ToString(3) ?? "?";
                output.WriteLine($"{process.Pid.ToString(CultureInfo.InvariantCulture),7}  {process.Name.PadRight(nameWidth)}  {runtime,-8}  {process.CommandLine}");
            }

            return 0;
        });
    }
}
