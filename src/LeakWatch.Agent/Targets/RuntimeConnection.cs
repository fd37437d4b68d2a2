using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// How the agent reaches a target: its runtime's own diagnostic connection, and whether the pid it reported means
/// the same process in the agent's pid namespace. A target that connected to the agent's socket from another pid
/// namespace (a Kubernetes sidecar) reports its own pid, often 1, which outside is some other process: such a pid is
/// never used for /proc, ptrace or a socket look-up, only this connection is.
/// </summary>
/// <param name="Client">The diagnostic connection: over the reversed socket in listen mode, the target's socket otherwise.</param>
/// <param name="PidVisible">True when /proc/PID in the agent's namespaces is the target (same or shared pid namespace).</param>
/// <param name="RuntimeInstance">The runtime's instance cookie: unique per runtime start, whatever its pid.</param>
public sealed record RuntimeConnection(DiagnosticsClient Client, bool PidVisible, Guid? RuntimeInstance)
{
    private static int s_lastLocalId;

    /// <summary>A key of the agent's own for a target whose pid is not (negative: never a pid).</summary>
    public int LocalId { get; } = -Interlocked.Increment(ref s_lastLocalId);

    /// <summary>Why ptrace and /proc cannot be used, for the one line that says so; null when they can.</summary>
    public string? PidInvisibleReason => PidVisible
        ? null
        : "the app is in another pid namespace, which ptrace cannot reach (shareProcessNamespace: true allows a heap walk)";
}
