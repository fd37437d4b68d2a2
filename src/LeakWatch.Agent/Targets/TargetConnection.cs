using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// A watched process and how to reach it: its diagnostics client, how to tell it still runs (its pid, or for a runtime
/// on the diagnostic port, possibly in another pid namespace, its connection), and whether /proc/PID is this process.
/// </summary>
public sealed record TargetConnection(TargetProcess Process, DiagnosticsClient Client, Func<CancellationToken, Task<bool>> IsAliveAsync, bool ProcVisible)
{
    /// <summary>
    /// A process in the agent's own pid namespace, found by pid; reached over its own socket when it has a connection
    /// (a node agent's target in another container, whose socket is not in the agent's /tmp).
    /// </summary>
    public static TargetConnection ByPid(TargetProcess process) =>
        new(process, process.Connection?.Client ?? new DiagnosticsClient(process.Pid), _ => Task.FromResult(TargetResolver.ProcessExists(process.Pid)), ProcVisible: true);
}
