using System.Globalization;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>
/// A running tests/TestApps/LeakWatch.TestApp scenario. net10.0 runs the built dll on the SDK's runtime;
/// net8.0 and net9.0 run a self-contained publish (the runtime packs are served), so each counter route is exercised.
/// </summary>
public sealed class TestApp : IDisposable
{
    public const string Net10 = "net10.0";
    public const string Net9 = "net9.0";
    public const string Net8 = "net8.0";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);
    private static readonly SemaphoreSlim PublishLock = new(1, 1);

    private TestApp(ProcessRunner process, string scenario)
    {
        Process = process;
        Scenario = scenario;
    }

    public ProcessRunner Process { get; }

    public string Scenario { get; }

    public int Pid => Process.Pid;

    /// <summary>Starts a scenario and returns once it printed READY.</summary>
    public static Task<TestApp> StartAsync(string scenario, string runtime = Net10, params string[] arguments) =>
        StartAsync(scenario, environment: null, runtime, arguments);

    /// <summary>Starts a scenario with extra environment variables (DOTNET_DiagnosticPorts, for example).</summary>
    public static async Task<TestApp> StartAsync(string scenario, IDictionary<string, string>? environment, string runtime = Net10, params string[] arguments)
    {
        var (fileName, prefix) = await LauncherAsync(runtime);
        return await ReadyAsync(new ProcessRunner(fileName, prefix.Append(scenario).Concat(arguments), environment), scenario, "READY");
    }

    /// <summary>
    /// Starts a scenario as a Kubernetes sidecar's app runs: in its own pid and mount namespaces (it is pid 1 there),
    /// with a private tmpfs on /tmp, connecting to the agent's diagnostic socket (which must be outside /tmp) when one
    /// is given; without, its own socket is in its private /tmp, where only a node agent looks.
    /// </summary>
    public static async Task<TestApp> StartInOwnNamespacesAsync(string scenario, string? diagnosticSocket, params string[] arguments)
    {
        var command = string.Join(' ', new[] { "exec", "dotnet", RepoPaths.TestAppDll, scenario }.Concat(arguments).Select(a => $"'{a}'"));
        var process = new ProcessRunner(
            "unshare",
            ["--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "sh", "-c", $"mount -t tmpfs tmpfs /tmp && {command}"],
            diagnosticSocket is null ? null : new Dictionary<string, string> { ["DOTNET_DiagnosticPorts"] = $"{diagnosticSocket},nosuspend" });
        return await ReadyAsync(process, scenario, "READY pid=1 ");
    }

    private static async Task<TestApp> ReadyAsync(ProcessRunner process, string scenario, string readyPrefix)
    {
        var app = new TestApp(process, scenario);
        try
        {
            await process.WaitForLineAsync(line => line.StartsWith(readyPrefix, StringComparison.Ordinal), StartupTimeout);
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts tests/TestApps/LeakWatch.RuntimeAsyncApp (compiled with runtime async) with DOTNET_RuntimeAsync=1, which
    /// .NET 10 needs to run it without state machines; returns once it printed READY.
    /// </summary>
    public static async Task<TestApp> StartRuntimeAsyncAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_RuntimeAsync"] = "1" };
        var process = new ProcessRunner("dotnet", [RepoPaths.RuntimeAsyncAppDll, .. arguments], environment);
        var app = new TestApp(process, "runtime-async-task-leak");
        try
        {
            var ready = await process.WaitForLineAsync(line => line.StartsWith("READY", StringComparison.Ordinal), StartupTimeout);
            Assert.Contains("runtime_async=1", ready, StringComparison.Ordinal);
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>For an app in its own pid namespace: its pid as the host sees it (the child of unshare).</summary>
    public int HostPid =>
        File.ReadAllText($"/proc/{Pid}/task/{Pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Single();

    /// <summary>The latest value a STATUS line reported for a key, or null.</summary>
    public double? Status(string key)
    {
        var prefix = key + "=";
        return Process.StandardOutput
            .Where(line => line.StartsWith("STATUS ", StringComparison.Ordinal))
            .SelectMany(line => line.Split(' '))
            .Where(part => part.StartsWith(prefix, StringComparison.Ordinal))
            .Select(part => double.Parse(part[prefix.Length..], CultureInfo.InvariantCulture))
            .Cast<double?>()
            .LastOrDefault();
    }

    public bool IsRunning => !Process.HasExited;

    public void Dispose() => Process.Dispose();

    private static async Task<(string FileName, string[] Prefix)> LauncherAsync(string runtime)
    {
        if (runtime == Net10)
        {
            return ("dotnet", [RepoPaths.TestAppDll]);
        }

        var directory = Path.Combine(RepoPaths.Artifacts, "testapps", runtime);
        var executable = Path.Combine(directory, "LeakWatch.TestApp");
        await PublishLock.WaitAsync();
        try
        {
            if (!File.Exists(executable))
            {
                await PublishSelfContainedAsync(runtime, directory);
            }
        }
        finally
        {
            PublishLock.Release();
        }

        return (executable, []);
    }

    private static async Task PublishSelfContainedAsync(string runtime, string directory)
    {
        using var publish = new ProcessRunner("dotnet",
        [
            "publish", RepoPaths.TestAppProject, "-c", "Release", "-f", runtime, "-r", "linux-x64", "--self-contained", "-o", directory, "-nologo",
        ]);
        var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Publishing the test app for {runtime} failed.\n{publish.Transcript}");
        }
    }
}
