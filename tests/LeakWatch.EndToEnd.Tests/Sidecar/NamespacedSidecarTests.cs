using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary>
/// The Kubernetes sidecar topology built for real: the agent in the host's namespaces listening on a diagnostic port,
/// each app under <c>unshare --pid --mount</c> with a private /tmp (pid 1 in its own namespace, its /proc invisible to
/// the agent, no ptrace possible), connecting with <c>DOTNET_DiagnosticPorts=SOCKET,nosuspend</c>.
/// </summary>
public sealed class NamespacedSidecarTests : IDisposable
{
    private const string Key = "e2e-sidecar-key-7d2b";

    // Outside /tmp: the apps mount their own tmpfs there, as containers of a pod have their own /tmp.
    private readonly DirectoryInfo _directory = Directory.CreateDirectory(Path.Combine(RepoPaths.Artifacts, "sidecar", Guid.NewGuid().ToString("N")[..8]));

    private string Socket => Path.Combine(_directory.FullName, "lw.sock");

    [Fact]
    public async Task A_thread_leak_in_a_sidecar_app_fires_the_default_rule_and_its_snapshot_names_the_method()
    {
        using var agent = Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines", "--snapshot-dir", Path.Combine(_directory.FullName, "snapshots")]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        using var app = await TestApp.StartInOwnNamespacesAsync("thread-leak", Socket, "--rate", "2");

        await agent.Metrics.WaitForAsync("leakwatch_managed_threads", s => s["pid"] == "1");
        var fired = await agent.Process.WaitForLineAsync(line => line.StartsWith("leak suspected: rule 'thread-leak' on pid 1: leakwatch_managed_threads", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        var headline = await agent.Process.WaitForLineAsync(line => line.Contains("threads in Orders.AckWaiter.WaitForAck", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        Assert.StartsWith("  +", headline, StringComparison.Ordinal);
        Assert.Contains(agent.Process.StandardOutput, line => line.StartsWith("Snapshot (thread-leak): ", StringComparison.Ordinal) && line.Contains("chains not walked", StringComparison.Ordinal));
        // /proc of the app is not visible: said once, and the OS series are absent rather than some other process's.
        Assert.Single(agent.Process.StandardOutput, line => line.Contains("process_num_threads, process_open_fds", StringComparison.Ordinal));
        Assert.DoesNotContain(await agent.Metrics.ScrapeAsync(), s => s.Name == "process_num_threads");
        Assert.True(app.IsRunning, fired);
    }

    [Fact]
    public async Task A_task_leak_in_a_sidecar_app_fires_and_its_snapshot_headlines_the_pending_operations()
    {
        using var agent = Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines"]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        using var app = await TestApp.StartInOwnNamespacesAsync("task-leak", Socket);

        await agent.Process.WaitForLineAsync(line => line.StartsWith("leak suspected: rule 'task-leak' on pid 1: leakwatch_async_operations_pending", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        var summary = await agent.Process.WaitForLineAsync(line => line.StartsWith("Snapshot (task-leak): ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var headline = await agent.Process.WaitForLineAsync(line => line.Contains("pending operations in Payments.Gateway.", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        Assert.Contains("chains not walked: the app is in another pid namespace", summary, StringComparison.Ordinal);
        Assert.StartsWith("  +", headline, StringComparison.Ordinal);
        Assert.True(app.IsRunning);
    }

    [Fact]
    public async Task Two_apps_that_are_both_pid_1_keep_two_sets_of_series_and_a_restarted_one_replaces_its_own()
    {
        using var agent = Agent.Start(["attach", "--diagnostic-port", Socket, "--output", "lines"]);
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        using var steady = await TestApp.StartInOwnNamespacesAsync("steady", Socket);
        var first = await InstancesAsync(agent, expected: 1, because: "the first app");
        using var leaking = await TestApp.StartInOwnNamespacesAsync("thread-leak", Socket);
        var both = await InstancesAsync(agent, expected: 2, because: "both apps");
        var leakingInstance = Assert.Single(both.Except(first));

        // Each instance has its own counters: the thread-leak app's managed threads grow, the steady one's do not mix in.
        await Eventually.TrueAsync(
            async () => (await agent.Metrics.ScrapeAsync()).Count(s => s.Name == "leakwatch_managed_threads" && s["pid"] == "1") == 2,
            Eventually.DefaultTimeout,
            () => $"two leakwatch_managed_threads series expected\n{agent.Process.Transcript}");

        // A restart: the leaking app goes, a new one comes; its old series leave, the steady app's stay.
        leaking.Dispose();
        using var restarted = await TestApp.StartInOwnNamespacesAsync("thread-leak", Socket);
        var after = await Eventually.ValueAsync(
            async () =>
            {
                var now = await RuntimeInstancesAsync(agent);
                return now.Count == 2 && !now.Contains(leakingInstance) ? now : null;
            },
            Eventually.DefaultTimeout,
            () => $"the restarted app's series should replace the old ones\n{agent.Process.Transcript}");
        Assert.Contains(Assert.Single(first), after);
    }

    [Fact]
    public async Task Post_snapshots_for_a_sidecar_app_samples_its_threads_over_the_connection_and_never_ptraces_pid_1()
    {
        // No baseline: the manual snapshot is then compared with nothing, so all 30 blocked threads are its growth.
        using var agent = Agent.Start(
            ["attach", "--diagnostic-port", Socket, "--output", "lines", "--snapshot-baseline", "false"],
            new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key });
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        using var app = await TestApp.StartInOwnNamespacesAsync("blocked-threads", Socket, "--count", "30");
        await agent.Metrics.WaitForAsync("dotnet_thread_pool_thread_count", s => s["pid"] == "1");

        using var response = await AgentProbes.PostSnapshotAsync(agent, "?pid=1", Key);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.StartsWith("Snapshot (manual): ", body, StringComparison.Ordinal);
        Assert.Contains("+30 threads in Orders.AckWaiter.WaitForAck", body, StringComparison.Ordinal);
        Assert.Contains("chains not walked", body, StringComparison.Ordinal);
        // Pid 1 of the agent's namespace was never traced.
        Assert.Equal("0", TracerPid(1));
        Assert.True(app.IsRunning);
    }

    [Fact]
    public async Task With_a_shared_dump_dir_a_sidecar_snapshot_walks_the_apps_chains_from_a_dump()
    {
        // The pod's shared emptyDir: outside /tmp, so both the agent and the app (own mount namespace) see it at one path.
        var dumps = Directory.CreateDirectory(Path.Combine(_directory.FullName, "dumps")).FullName;
        using var agent = Agent.Start(
            ["attach", "--diagnostic-port", Socket, "--output", "lines", "--snapshot-baseline", "false", "--no-default-rules", "--snapshot-via", "dump", "--dump-dir", dumps],
            new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key });
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        using var app = await TestApp.StartInOwnNamespacesAsync("blocked-threads", Socket, "--count", "20", "--chains", "300");
        await agent.Metrics.WaitForAsync("dotnet_thread_pool_thread_count", s => s["pid"] == "1");

        using var response = await AgentProbes.PostSnapshotAsync(agent, "?pid=1", Key);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body + "\n" + agent.Process.Transcript);
        Assert.Contains("+20 threads in Orders.AckWaiter.WaitForAck", body, StringComparison.Ordinal);
        Assert.Contains("+300 tasks in Payments.Gateway.AwaitSettlementAsync", body, StringComparison.Ordinal);
        Assert.DoesNotContain("chains not walked", body, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dumps)); // read, then deleted
        Assert.Equal("0", TracerPid(1));
        Assert.True(app.IsRunning);
    }

    [Fact]
    public async Task A_dump_written_where_the_agent_cannot_see_it_is_one_clear_line()
    {
        // No --dump-dir: the app writes into its own private /tmp.
        using var agent = Agent.Start(
            ["attach", "--diagnostic-port", Socket, "--output", "lines", "--snapshot-baseline", "false", "--no-default-rules", "--snapshot-via", "dump"],
            new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key });
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        using var app = await TestApp.StartInOwnNamespacesAsync("steady", Socket);
        await agent.Metrics.WaitForAsync("dotnet_thread_pool_thread_count", s => s["pid"] == "1");

        using var response = await AgentProbes.PostSnapshotAsync(agent, "?pid=1", Key);
        var body = await response.Content.ReadAsStringAsync();

        Assert.False(response.IsSuccessStatusCode, body);
        Assert.Contains("give --dump-dir a directory on a volume both containers mount at the same path", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\n   at ", body, StringComparison.Ordinal);
        Assert.True(app.IsRunning);
    }

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<HashSet<string>> InstancesAsync(Agent agent, int expected, string because) =>
        await Eventually.ValueAsync(
            async () => await RuntimeInstancesAsync(agent) is { } now && now.Count == expected ? now : null,
            Eventually.DefaultTimeout,
            () => $"{expected} runtime instances expected for {because}\n{agent.Process.Transcript}");

    private static async Task<HashSet<string>> RuntimeInstancesAsync(Agent agent) =>
        (await agent.Metrics.ScrapeAsync())
            .Where(s => s.Name == "dotnet_thread_pool_thread_count" && s["pid"] == "1")
            .Select(s => s["runtime_instance"] ?? "")
            .ToHashSet(StringComparer.Ordinal);

    private static string TracerPid(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("TracerPid:", StringComparison.Ordinal))["TracerPid:".Length..].Trim();
}
