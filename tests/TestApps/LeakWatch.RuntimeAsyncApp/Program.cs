using System.Globalization;
using Payments;

// LeakWatch.RuntimeAsyncApp [task-leak] [--rate N] [--blocked-threads N] [--exit-after SECONDS]
// Prints READY pid=<pid> scenario=runtime-async-task-leak runtime=<version> runtime_async=<DOTNET_RuntimeAsync>, then
// STATUS leaked_tasks=N once a second, like LeakWatch.TestApp (tests/TestApps/README.md).
var rate = 20.0;
var blockedThreads = 0;
TimeSpan? exitAfter = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--rate")
    {
        rate = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--blocked-threads")
    {
        blockedThreads = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--exit-after")
    {
        exitAfter = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
if (exitAfter is { } after)
{
    stop.CancelAfter(after);
}

LedgerWriter.StartBlockedThreads(blockedThreads);
Console.WriteLine($"READY pid={Environment.ProcessId} scenario=runtime-async-task-leak runtime={Environment.Version} runtime_async={Environment.GetEnvironmentVariable("DOTNET_RuntimeAsync") ?? "0"}");
var clock = System.Diagnostics.Stopwatch.StartNew();
var leaked = 0;
var lastStatus = TimeSpan.Zero;
try
{
    while (!stop.IsCancellationRequested)
    {
        await Task.Delay(100, stop.Token);
        for (var due = (int)(rate * clock.Elapsed.TotalSeconds); leaked < due; leaked++)
        {
            _ = SettlementGateway.ChargeAsync(leaked, 19.99m);
        }

        if (clock.Elapsed - lastStatus >= TimeSpan.FromSeconds(1))
        {
            lastStatus = clock.Elapsed;
            Console.WriteLine($"STATUS leaked_tasks={leaked}");
        }
    }
}
catch (OperationCanceledException)
{
}
