using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;

namespace LeakWatch.Cli.Commands;

/// <summary>
/// <c>leakwatch demo</c>: starts the bundled order-service sample (a real .NET process with a slow thread
/// and task leak) and attaches to it exactly as <c>attach</c> does. The sample is stopped when the demo ends.
/// </summary>
internal sealed class DemoCommand : Command
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The demo app's own meter, streamed as a user would with --meter.</summary>
    private const string DemoMeter = "LeakWatch.Demo";

    public DemoCommand()
        : base("demo", "Start the bundled sample service, which leaks threads and tasks slowly, and attach to it as 'attach' would.")
    {
        Watch.AddTo(this);
        SetAction(async (parseResult, cancellation) =>
        {
            using var demo = await StartDemoAppAsync(cancellation).ConfigureAwait(false);
            try
            {
                var options = Watch.Bind(parseResult, TargetResolver.ByPid(demo.Id));
                options = options with { Counters = options.Counters with { Meters = [.. options.Counters.Meters, DemoMeter] } };
                return await WatchRunner.RunAsync(options, parseResult.GetValue(Watch.Output), parseResult, cancellation).ConfigureAwait(false);
            }
            finally
            {
                StopQuietly(demo);
            }
        });
    }

    public WatchOptions Watch { get; } = new();

    public static string DemoAppPath => Path.Combine(AppContext.BaseDirectory, "demo", "LeakWatch.DemoApp.dll");

    private static async Task<Process> StartDemoAppAsync(CancellationToken cancellation)
    {
        if (!File.Exists(DemoAppPath))
        {
            throw new LeakWatchException(ExitCode.InternalError, $"The bundled demo app is missing ({DemoAppPath}); reinstall leakwatch.");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DemoAppPath);
        var process = Process.Start(start) ?? throw new LeakWatchException(ExitCode.InternalError, "Could not start the bundled demo app.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(StartupTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("READY", StringComparison.Ordinal))
                {
                    // Keep draining its output so the demo never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return process;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
        }

        StopQuietly(process);
        process.Dispose();
        throw new LeakWatchException(ExitCode.InternalError, "The bundled demo app did not start within 30 s.");
    }

    /// <summary>The dotnet host running leakwatch, so the demo runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        // shared/Microsoft.NETCore.App/<version>/ → the dotnet root three levels up.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    private static void StopQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
