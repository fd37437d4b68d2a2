using System.Runtime.InteropServices;
using LeakWatch.TestApp;

// LeakWatch.TestApp <scenario> [--rate N] [--count N] [--exit-after SECONDS] [--pause-meter MS] [--chains N] [--heap-mib N]
// Exit codes: 0 after a clean stop (SIGTERM, Ctrl+C, --exit-after, or the scenario finishing), 1 if the
// scenario failed, 2 for usage (unknown scenario, bad option, --help).
if (!CommandLine.TryParse(args, out var scenarioName, out var scenarioArgs, out var error))
{
    return CommandLine.PrintUsage(error);
}

if (ScenarioCatalog.Find(scenarioName) is not { } scenario)
{
    return CommandLine.PrintUsage(scenarioName.Length == 0 ? null : $"unknown scenario '{scenarioName}'");
}

using var shutdown = new CancellationTokenSource();
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopGracefully);
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopGracefully);
if (scenarioArgs.ExitAfter is { } exitAfter)
{
    shutdown.CancelAfter(exitAfter);
}

if (scenarioArgs.PauseMeterMilliseconds is { } pauseThreshold)
{
    PauseMeter.Start(pauseThreshold);
}

var statusReporter = Protocol.ReportStatusAsync(shutdown.Token);
var exitCode = 0;
try
{
    await scenario.RunAsync(scenarioArgs, shutdown.Token);
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    // The normal way out for scenarios that hold until stopped.
}
catch (Exception exception)
{
    await Console.Error.WriteLineAsync($"scenario '{scenario.Name}' failed: {exception}");
    exitCode = 1;
}

await shutdown.CancelAsync();
await statusReporter;
return exitCode;

void StopGracefully(PosixSignalContext context)
{
    context.Cancel = true; // let Main unwind (and scenarios clean up) instead of the runtime's default exit
    shutdown.Cancel();
}
