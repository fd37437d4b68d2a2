using System.Net;
using System.Net.Sockets;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>The leakwatch CLI run as a real process, the way a user runs it.</summary>
public sealed class Agent : IDisposable
{
    private Agent(ProcessRunner process, int port)
    {
        Process = process;
        Port = port;
    }

    public ProcessRunner Process { get; }

    public int Port { get; }

    public Uri MetricsUrl => new($"http://127.0.0.1:{Port}/metrics");

    public MetricsScraper Metrics => new(MetricsUrl);

    /// <summary>Starts <c>leakwatch attach --pid PID</c> on a free port with the given extra arguments.</summary>
    public static Agent Attach(int pid, params string[] arguments) =>
        Start(["attach", "--pid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);

    /// <summary>Starts a leakwatch command that serves /metrics; <c>--urls</c> is added on a free port.</summary>
    public static Agent Start(string[] arguments, IDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var process = new ProcessRunner("dotnet", [RepoPaths.AgentDll, .. arguments, "--urls", $"http://127.0.0.1:{port}"], environment);
        return new Agent(process, port);
    }

    /// <summary>Like <see cref="Start"/>, run by a wrapper command (<c>unshare ... sh -c ...</c>) that ends with "$@".</summary>
    public static Agent StartWrapped(string[] wrapper, string[] arguments, IDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var process = new ProcessRunner(wrapper[0], [.. wrapper[1..], "dotnet", RepoPaths.AgentDll, .. arguments, "--urls", $"http://127.0.0.1:{port}"], environment);
        return new Agent(process, port);
    }

    /// <summary>Runs leakwatch to completion: exit code and output, for commands that end by themselves.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(params string[] arguments) =>
        await RunAsync(TimeSpan.FromSeconds(120), arguments);

    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        using var process = new ProcessRunner("dotnet", [RepoPaths.AgentDll, .. arguments]);
        var exitCode = await process.WaitForExitAsync(timeout);
        return (exitCode, string.Join('\n', process.StandardOutput), string.Join('\n', process.StandardError));
    }

    /// <summary>Like <see cref="RunAsync(string[])"/>, run by a wrapper command that ends with "$@" (a cgroup, a namespace).</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunWrappedAsync(string[] wrapper, params string[] arguments)
    {
        using var process = new ProcessRunner(wrapper[0], [.. wrapper[1..], "dotnet", RepoPaths.AgentDll, .. arguments]);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exitCode, string.Join('\n', process.StandardOutput), string.Join('\n', process.StandardError));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Process.Dispose();
}
