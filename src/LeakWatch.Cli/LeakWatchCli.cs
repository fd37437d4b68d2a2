using System.CommandLine;
using System.Runtime.InteropServices;
using LeakWatch.Cli.Commands;
using LeakWatch.Core;
using LeakWatch.Core.Text;

namespace LeakWatch.Cli;

/// <summary>Wires the commands and turns every user-facing error into one line and a documented exit code.</summary>
public static class LeakWatchCli
{
    public static RootCommand CreateRootCommand() => new(
        "Finds thread and async-task leaks in running .NET processes.\n" +
        "Streams a process's counters over EventPipe, watches them with leak rules, and republishes them as Prometheus metrics.")
    {
        new PsCommand(),
        new AttachCommand(),
        new DemoCommand(),
        new StacksCommand(),
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Any(a => a.Contains('\0', StringComparison.Ordinal)))
        {
            await error.WriteLineAsync("leakwatch: an argument contains a NUL character, which no option takes.").ConfigureAwait(false);
            return (int)ExitCode.UsageError;
        }

        var root = CreateRootCommand();
        ParseResult parseResult;
        try
        {
            parseResult = root.Parse(args);
        }
        catch (Exception e)
        {
            // A validator that throws is a bug; still one line, never a stack trace.
            await error.WriteLineAsync($"leakwatch: internal error while reading the command line: {UserMessages.Describe(e)}. This is a bug: please report it.").ConfigureAwait(false);
            return (int)ExitCode.InternalError;
        }

        if (parseResult.Errors.Count > 0)
        {
            var command = parseResult.CommandResult.Command;
            var path = command == root ? "leakwatch" : $"leakwatch {command.Name}";
            // "Required command was not provided" hides the more useful "Unrecognized command 'x'" behind it.
            var first = parseResult.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parseResult.Errors[0];
            await error.WriteLineAsync($"leakwatch: {Printable(ParseErrors.Describe(first.Message, command))} Run '{path} --help' for usage.").ConfigureAwait(false);
            return (int)ExitCode.UsageError;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // Signals are handled below: System.CommandLine's handler ends the process with 143 when the action
            // does not return in time, where a clean stop (exit 0, targets resumed, socket removed) is wanted.
            ProcessTerminationTimeout = null,
        };

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => StopOnce(context, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => StopOnce(context, stop));
        try
        {
            return await parseResult.InvokeAsync(configuration, stop.Token).ConfigureAwait(false);
        }
        catch (LeakWatchException e)
        {
            await error.WriteLineAsync($"leakwatch: {Printable(e.Message)}").ConfigureAwait(false);
            return (int)e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return (int)ExitCode.Success;
        }
        catch (Exception e)
        {
            // A bug: still one readable line first, the details after it for the report.
            // No type name or raw resource key on the line; LEAKWATCH_DEBUG=1 adds the details for the report.
            await error.WriteLineAsync($"leakwatch: internal error: {UserMessages.Describe(e)}. This is a bug: please report it with the output of 'leakwatch --version' (LEAKWATCH_DEBUG=1 prints the details).").ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("LEAKWATCH_DEBUG") == "1")
            {
                await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            return (int)ExitCode.InternalError;
        }
    }

    /// <summary>
    /// An error line as a terminal should get it: control characters escaped (a value may be binary), and a message
    /// that quotes a huge value cut in the middle, so it stays one readable line.
    /// </summary>
    internal static string Printable(string message)
    {
        const int Limit = 1000;
        var text = ControlCharacters.Escape(message);
        return text.Length <= Limit ? text : string.Concat(text.AsSpan(0, 600), $" …({text.Length - 900} characters cut)… ", text.AsSpan(text.Length - 300));
    }

    /// <summary>The first SIGTERM or Ctrl+C stops the command cleanly; a second one ends the process at once.</summary>
    private static void StopOnce(PosixSignalContext context, CancellationTokenSource stop)
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        stop.Cancel();
    }
}
