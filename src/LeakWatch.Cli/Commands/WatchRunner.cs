using System.CommandLine;
using LeakWatch.Agent.Configuration;
using LeakWatch.Agent.Hosting;
using LeakWatch.Cli.Rendering;
using LeakWatch.Core;
using LeakWatch.Core.Options;

namespace LeakWatch.Cli.Commands;

/// <summary>Runs an <see cref="AgentHost"/> for <c>attach</c> and <c>demo</c> and renders what it sees until it ends.</summary>
internal static class WatchRunner
{
    public static async Task<int> RunAsync(LeakWatchOptions options, OutputMode outputMode, ParseResult parseResult, CancellationToken cancellation)
    {
        var renderer = RendererFactory.Create(outputMode, parseResult.InvocationConfiguration.Output);
        await using var host = new AgentHost(options, TimeProvider.System);
        host.Message += renderer.Message;
        host.StartServer();
        foreach (var line in Banner(options, host.Server?.MetricsUrl))
        {
            renderer.Message(line);
        }

        using var stopRendering = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var rendering = RenderLoopAsync(host, renderer, stopRendering.Token);
        AttachOutcome outcome;
        try
        {
            outcome = await host.RunAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            await stopRendering.CancelAsync().ConfigureAwait(false);
            await rendering.ConfigureAwait(false);
        }

        renderer.Message(outcome switch
        {
            AttachOutcome.TargetExited => $"Process {options.Targets.Target!.Pid} ({options.Targets.Target.Name}) exited.",
            AttachOutcome.DurationElapsed => $"Stopped after {DurationParser.Format(options.Duration!.Value)}.",
            _ => "Stopped.",
        });
        return (int)ExitCode.Success;
    }

    /// <summary>What is watched, where metrics are, which rules run.</summary>
    private static IEnumerable<string> Banner(LeakWatchOptions options, string? metricsUrl)
    {
        var where = metricsUrl is null ? "." : $"; metrics at {metricsUrl}";
        var every = DurationParser.Format(options.Counters.Interval);
        var targets = options.Targets;
        if (targets.Target is { } target)
        {
            var runtime = target.RuntimeVersion is { } version ? $".NET {version.ToString(3)}" : ".NET (version unknown)";
            yield return $"Watching {target.Name} (pid {target.Pid}, {runtime}) every {every}{where}";
        }
        else if (targets.AllProcesses)
        {
            var which = targets.NameFilter is null ? "every .NET process" : $"every .NET process named {targets.NameFilter}";
            yield return $"Watching {which} this user can see, every {every}{where}";
        }
        else
        {
            yield return $"Watching the apps connecting to {targets.DiagnosticPort}, every {every}{where}";
        }

        var rules = options.Rules;
        var active = rules.ActiveRules.Select(r => r.Name).ToList();
        yield return active.Count == 0
            ? "No leak rules."
            : $"Leak rules: {string.Join(", ", active)}" + (rules.Webhooks.Count > 0 ? $"; {rules.Webhooks.Count} webhook(s)." : ".");
        foreach (var note in options.Notes)
        {
            yield return note;
        }
    }

    private static async Task RenderLoopAsync(AgentHost host, IRenderer renderer, CancellationToken cancellation)
    {
        try
        {
            while (await host.Clock.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
            {
                await Task.Yield(); // off the clock's thread: a terminal that stops reading blocks only this loop
                var now = TimeProvider.System.GetUtcNow();
                renderer.Render(host.View(now), now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
