using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary>
/// <c>attach --diagnostic-port</c> as the Kubernetes sidecar runs it: the agent listens first, apps started with
/// <c>DOTNET_DiagnosticPorts=PATH,nosuspend</c> connect, several to one socket, and a restarted app is watched again.
/// </summary>
public sealed class DiagnosticPortTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("leakwatch-diag-");

    private string Socket => Path.Combine(_directory.FullName, "leakwatch.sock");

    private Dictionary<string, string> AppEnvironment => new() { ["DOTNET_DiagnosticPorts"] = $"{Socket},nosuspend" };

    [Fact]
    public async Task Apps_connecting_to_the_socket_are_watched_and_a_restarted_one_replaces_its_old_series()
    {
        using var agent = Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines"]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, await AgentProbes.GetStatusAsync(agent, "/healthz"));

        using var first = await TestApp.StartAsync("steady", AppEnvironment);
        using var second = await TestApp.StartAsync("thread-leak", AppEnvironment);
        foreach (var app in new[] { first, second })
        {
            await AgentProbes.WaitForPidAsync(agent, "dotnet_thread_pool_thread_count", app.Pid);
            // Same machine, same pid namespace: /proc/PID is the app, so the OS series are there too.
            await AgentProbes.WaitForPidAsync(agent, "process_num_threads", app.Pid);
        }

        var samples = await agent.Metrics.ScrapeAsync();
        Assert.All(samples.Where(s => s["pid"] == AgentProbes.Text(first.Pid)), s => Assert.Equal("LeakWatch.TestApp", s["process_name"]));

        // The app is killed and started again (a container restart): new pid, same socket.
        var oldPid = first.Pid;
        first.Dispose();
        using var restarted = await TestApp.StartAsync("steady", AppEnvironment);
        await AgentProbes.WaitForPidAsync(agent, "dotnet_thread_pool_thread_count", restarted.Pid);
        await AgentProbes.WaitUntilGoneAsync(agent, oldPid);
        await AgentProbes.WaitForPidAsync(agent, "process_num_threads", second.Pid);
        Assert.False(agent.Process.HasExited, agent.Process.Transcript);
    }

    [Fact]
    public async Task An_app_started_before_the_agent_connects_once_the_agent_listens()
    {
        // nosuspend: the runtime does not wait for a tool at startup and keeps trying to connect in the background.
        using var app = await TestApp.StartAsync("steady", AppEnvironment);
        using var agent = Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines"]);

        await AgentProbes.WaitForPidAsync(agent, "dotnet_thread_pool_thread_count", app.Pid);
    }

    [Fact]
    public async Task Sigterm_stops_the_listener_cleanly_and_removes_its_socket()
    {
        using var agent = Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines"]);
        using var app = await TestApp.StartAsync("steady", AppEnvironment);
        await AgentProbes.WaitForPidAsync(agent, "dotnet_thread_pool_thread_count", app.Pid);

        agent.Process.Terminate();

        Assert.Equal(0, await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Stopped.", agent.Process.StandardOutput);
        Assert.False(File.Exists(Socket));
        Assert.True(app.IsRunning);
    }

    [Fact]
    public async Task A_socket_another_agent_listens_on_is_refused_with_exit_6()
    {
        using var agent = Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines"]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);

        var (exitCode, _, error) = await Agent.RunAsync(TimeSpan.FromSeconds(60), "attach", "--diagnostic-port", Socket, "--urls", "none");

        Assert.Equal(6, exitCode);
        Assert.StartsWith($"leakwatch: Cannot listen on the diagnostic port {Socket}: ", error, StringComparison.Ordinal);
        Assert.False(agent.Process.HasExited);
    }

    [Fact]
    public async Task A_socket_in_a_missing_directory_is_a_configuration_error()
    {
        var (exitCode, _, error) = await Agent.RunAsync(TimeSpan.FromSeconds(60), "attach", "--diagnostic-port", "/no/such/dir/leakwatch.sock", "--urls", "none");

        Assert.Equal(7, exitCode);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_file_that_is_not_a_socket_is_refused_and_kept()
    {
        var file = Path.Combine(_directory.FullName, "notes.txt");
        await File.WriteAllTextAsync(file, "precious");

        var (exitCode, _, error) = await Agent.RunAsync(TimeSpan.FromSeconds(60), "attach", "--diagnostic-port", file, "--urls", "none");

        Assert.Equal(7, exitCode);
        Assert.Contains("already exists and is not a socket", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("precious", await File.ReadAllTextAsync(file));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
