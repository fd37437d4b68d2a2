using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Text;

namespace LeakWatch.Cli.Commands;

/// <summary><c>leakwatch ps</c>: the .NET processes this user can attach to, as a table or as JSON.</summary>
internal sealed class PsCommand : Command
{
    public PsCommand()
        : base("ps", "List the .NET processes you can attach to: pid, name, runtime version and command line.")
    {
        Options.Add(Format);
        SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var processes = TargetResolver.ListAttachable();
            if (parseResult.GetValue(Format) == PsFormat.Json)
            {
                output.WriteLine(ToJson(processes));
            }
            else
            {
                WriteTable(output, processes);
            }

            return 0;
        });
    }

    public Option<PsFormat> Format { get; } = new("--format", "-f")
    {
        HelpName = "text|json",
        Description = "text (a table for people) or json (an array for programs: pid, name, runtimeVersion, commandLine).",
        DefaultValueFactory = _ => PsFormat.Text,
    };

    /// <summary>A table, one row per process; what the processes wrote themselves is escaped, so a newline in an argument cannot fake a row.</summary>
    internal static void WriteTable(TextWriter output, IReadOnlyList<TargetProcess> processes)
    {
        if (processes.Count == 0)
        {
            output.WriteLine("No .NET processes found that this user can attach to.");
            return;
        }

        var rows = processes.Select(p => (
            Pid: p.Pid.ToString(CultureInfo.InvariantCulture),
            Name: ControlCharacters.Escape(p.Name),
            Runtime: p.RuntimeVersion?.ToString(3) ?? "?",
            Command: ControlCharacters.Escape(p.CommandLine))).ToList();
        var nameWidth = Math.Max(4, rows.Max(r => r.Name.Length));
        output.WriteLine($"{"PID",7}  {"NAME".PadRight(nameWidth)}  {"RUNTIME",-8}  COMMAND");
        foreach (var row in rows)
        {
            output.WriteLine($"{row.Pid,7}  {row.Name.PadRight(nameWidth)}  {row.Runtime,-8}  {row.Command}");
        }
    }

    /// <summary>A JSON array (empty when there is nothing to attach to); strings are JSON-escaped as they are.</summary>
    internal static string ToJson(IReadOnlyList<TargetProcess> processes)
    {
        var rows = processes.Select(p => new PsRow(p.Pid, p.Name, p.RuntimeVersion?.ToString(3), p.CommandLine));
        return JsonSerializer.Serialize(rows, PsJson.Options);
    }

    private sealed record PsRow(int Pid, string Name, string? RuntimeVersion, string CommandLine);

    private static class PsJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}

/// <summary>What <c>leakwatch ps --format</c> prints.</summary>
internal enum PsFormat
{
    Text,
    Json,
}
