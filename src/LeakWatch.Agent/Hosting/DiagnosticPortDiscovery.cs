using LeakWatch.Agent.Configuration;
using LeakWatch.Agent.Targets;
using Microsoft.Diagnostics.NETCore.Client;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Hosting;

/// <summary><c>--diagnostic-port</c>: accepts every runtime that connects, again after each restart.</summary>
internal static class DiagnosticPortDiscovery
{
    public static async Task RunAsync(string path, TargetSupervisor supervisor, AgentHealth health, Action ready, Action<string> message, CancellationToken cancellation)
    {
        await using var listener = DiagnosticPortListener.Start(path);
        message($"Listening on {path}: start apps with DOTNET_DiagnosticPorts={path},nosuspend");
        ready();
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync(cancellation).ConfigureAwait(false);
                var (target, procVisible) = await Task.Run(() => DescribeConnection(connection), cancellation).ConfigureAwait(false);
                await Task.Run(() => ResumeIfSuspended(connection, target, health, message), cancellation).ConfigureAwait(false);
                supervisor.Start(
                    $"cookie:{connection.RuntimeInstanceCookie:N}",
                    new TargetConnection(target, connection.Client, token => connection.IsConnectedAsync(TargetsDefaults.ReconnectTimeout, token), procVisible),
                    () => listener.Remove(connection),
                    cancellation,
                    TargetsDefaults.ListenStartupDelay);
            }
        }
        finally
        {
            await supervisor.StopAllAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Name and runtime from the runtime's own ProcessInfo. Its pid is the one in its pid namespace: /proc/PID is read
    /// only when it shows the same command line (same namespace, or a shared one), otherwise the OS series are absent.
    /// </summary>
    private static (TargetProcess Target, bool ProcVisible) DescribeConnection(DiagnosticPortConnection connection)
    {
        var pid = connection.ProcessId;
        var info = DiagnosticsClientInternals.TryGetProcessInfo(connection.Client);
        var commandLine = info?.CommandLine ?? "";
        var name = info?.EntryAssembly
                   ?? TargetResolver.NameFromArguments(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                   ?? $"pid-{pid}";
        var procVisible = pid != Environment.ProcessId && IsSameProcess(ProcFs.Arguments(pid), name);
        var version = info?.RuntimeVersion ?? (procVisible ? RuntimeVersionProbe.FromMappedCoreLib(pid) : null);
        // The connection, not the pid, is how snapshots and sessions reach it; the cookie is its runtime_instance label.
        var reach = new RuntimeConnection(connection.Client, procVisible, connection.RuntimeInstanceCookie);
        return (new TargetProcess(pid, name, commandLine, version) { Connection = reach }, procVisible);
    }

    /// <summary>
    /// An app started with DOTNET_DiagnosticPorts=PATH without ",nosuspend" waits at startup until a tool resumes it.
    /// Resuming a runtime that is not waiting does nothing, so every connecting runtime is told to go on.
    /// </summary>
    private static void ResumeIfSuspended(DiagnosticPortConnection connection, TargetProcess target, AgentHealth health, Action<string> message)
    {
        try
        {
            connection.Client.ResumeRuntime();
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException or IOException or TimeoutException)
        {
            health.Error("resume_failed");
            message($"{target.Pid} ({target.Name}): could not resume its startup: {UserMessages.Describe(e)}.");
        }
    }

    /// <summary>
    /// /proc/PID shows the connected runtime when its entry assembly is the one the runtime named. In another pid
    /// namespace PID is some other process of ours (or nothing), which has another name.
    /// </summary>
    private static bool IsSameProcess(string[]? procArguments, string name) =>
        procArguments is not null && string.Equals(TargetResolver.NameFromArguments(procArguments), name, StringComparison.OrdinalIgnoreCase);
}
