using System.CommandLine;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Core;
using LeakWatch.Core.Configuration;
using LeakWatch.Core.Options;
using LeakWatch.Core.Stacks;
using LeakWatch.Core.Text;

namespace LeakWatch.Cli.Commands;

/// <summary>
/// <c>leakwatch stacks</c>: one snapshot of a process's threads grouped by stack and its pending async chains
/// grouped by chain, in text, JSON, folded or speedscope form.
/// </summary>
internal sealed class StacksCommand : Command
{
    public StacksCommand()
        : base("stacks", "Show a process's managed threads grouped by stack and its pending async task chains grouped by chain, largest group first.")
    {
        Target.AddTo(this);
        Options.Add(Format);
        Options.Add(Output);
        Options.Add(Via);
        Options.Add(DumpDir);
        Options.Add(MaxPause);
        Options.Add(CopyBudget);
        Options.Add(Top);
        Top.Validators.Add(result =>
        {
            // The tokens, not GetValueOrDefault: a validator that converts 'abc' or '' throws instead of reporting.
            if (result.Tokens is [var token] && int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var top) && top <= 0)
            {
                result.AddError("--top must be a positive number of groups.");
            }
        });
        SetAction(async (parseResult, cancellation) =>
        {
            var target = Target.Resolve(parseResult);
            var options = new SnapshotOptions
            {
                Route = SnapshotRoutes.Parse(parseResult.GetValue(Via)),
                MaxPause = TargetOptions.DurationOrDefault(parseResult, MaxPause, SnapshotDefaults.MaxPause),
                CopyBudget = Core.Options.CopyBudget.TryParse(parseResult.GetValue(CopyBudget), out var budget) ? budget : SnapshotDefaults.CopyBudget,
                DumpDirectory = parseResult.GetValue(DumpDir),
            };
            StackSnapshot snapshot;
            try
            {
                snapshot = await new SnapshotService(TimeProvider.System).TakeAsync(target, options, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Its own exit code: a script must not take a cancelled snapshot for an empty one.
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"leakwatch: snapshot cancelled; process {target.Pid} ({target.Name}) was resumed.").ConfigureAwait(false);
                return (int)ExitCode.Cancelled;
            }

            var format = parseResult.GetValue(Format);
            var top = parseResult.GetValue(Top) ?? (format == ReportFormat.Text ? StacksDefaults.TextTop : null);
            var path = parseResult.GetValue(Output);
            if (path is null)
            {
                ReportWriter.Write(snapshot, format, parseResult.InvocationConfiguration.Output, top);
            }
            else
            {
                await WriteFileAsync(path, snapshot, format, top, cancellation).ConfigureAwait(false);
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                    $"Wrote {format.ToString().ToLowerInvariant()} snapshot of {target.Name} (pid {target.Pid}) to {path}: " +
                    $"{snapshot.Threads.Total} threads, {snapshot.Tasks.Pending} pending tasks, target paused {snapshot.PausedMs:0} ms.").ConfigureAwait(false);
            }

            if (snapshot.Partial)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"leakwatch: the snapshot is partial: {snapshot.PartialReason}.").ConfigureAwait(false);
            }

            return (int)ExitCode.Success;
        });
    }

    public TargetOptions Target { get; } = new();

    public Option<ReportFormat> Format { get; } = new("--format", "-f")
    {
        HelpName = "text|json|folded|speedscope",
        Description = "text for people, json for programs (docs/snapshots.md), folded for flamegraph.pl and speedscope, speedscope for speedscope.app.",
        DefaultValueFactory = _ => ReportFormat.Text,
    };

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "Write the report to this file instead of stdout.",
        HelpName = "file",
    };

    /// <summary><c>--snapshot-via</c> as on <c>attach</c>; <c>--via</c>, its first name here, is a deprecated alias.</summary>
    public Option<string> Via { get; } = WatchOptions.SnapshotRouteOption();

    public Option<string> DumpDir { get; } = WatchOptions.DumpDirOption();

    public Option<TimeSpan> MaxPause { get; } = TargetOptions.DurationOption(
        "--max-pause", "The longest the process may stay suspended; past it the walk stops and the snapshot is marked partial.", SnapshotDefaults.MaxPause, AgentSettings.MaxPause);

    public Option<string> CopyBudget { get; } = WatchOptions.CopyBudgetOption(environmentNote: "");

    public Option<int?> Top { get; } = new("--top")
    {
        Description = $"Show only the N largest groups of threads and of tasks (default: {StacksDefaults.TextTop} for text, all otherwise).",
        HelpName = "N",
    };

    private static async Task WriteFileAsync(string path, StackSnapshot snapshot, ReportFormat format, int? top, CancellationToken cancellation)
    {
        try
        {
            await File.WriteAllTextAsync(path, ReportWriter.ToText(snapshot, format, top), cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"Cannot write {path}: {UserMessages.Describe(e)}.", e);
        }
    }
}
