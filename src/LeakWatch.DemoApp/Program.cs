using System.Globalization;
using System.Runtime.InteropServices;
using Orders;

// LeakWatch.DemoApp [--exit-after SECONDS]
// A small order service that leaks slowly (see OrderService): ~2 OS threads/s stuck in
// Orders.AckWaiter.WaitForAck and ~12 async calls/s stuck in Orders.Ledger.AwaitConfirmationAsync.
// Runs until SIGTERM/Ctrl+C or --exit-after; exit code 0, or 2 for bad arguments.
if (!TryParseExitAfter(args, out var exitAfter))
{
    await Console.Error.WriteLineAsync("usage: LeakWatch.DemoApp [--exit-after SECONDS]");
    return 2;
}

using var shutdown = new CancellationTokenSource();
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopGracefully);
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopGracefully);
if (exitAfter is { } lifetime)
{
    shutdown.CancelAfter(lifetime);
}

var pid = Environment.ProcessId;
Console.WriteLine($"LeakWatch demo order service, pid {pid}");
var service = OrderService.Start(shutdown.Token);
Console.WriteLine($"READY pid={pid}");
Console.Out.Flush();

try
{
    await service;
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    // Stopped.
}

return 0;

void StopGracefully(PosixSignalContext context)
{
    context.Cancel = true; // unwind normally instead of the runtime's default exit
    shutdown.Cancel();
}

static bool TryParseExitAfter(string[] args, out TimeSpan? exitAfter)
{
    exitAfter = null;
    if (args.Length == 0)
    {
        return true;
    }

    if (args.Length == 2 && args[0] == "--exit-after"
        && double.TryParse(args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && seconds is >= 0 and < int.MaxValue / 1000.0)
    {
        exitAfter = TimeSpan.FromSeconds(seconds);
        return true;
    }

    return false;
}
