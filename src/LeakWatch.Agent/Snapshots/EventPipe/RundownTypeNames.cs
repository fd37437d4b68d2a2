using LeakWatch.Agent.Targets;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace LeakWatch.Agent.Snapshots.EventPipe;

/// <summary>
/// The full names of the async state machines a runtime has loaded (<c>Payments.Gateway+&lt;ChargeAsync&gt;d__3</c>),
/// from its rundown: how pending operations are named for an app whose assemblies the agent cannot open (a sidecar
/// app, in its own mount namespace, whose /proc/PID is some other process here).
/// </summary>
public static class RundownTypeNames
{
    public static async Task<IReadOnlyList<string>> ReadStateMachinesAsync(TargetProcess target, DiagnosticsClient client, CancellationToken cancellation)
    {
        using var session = await ThreadSampleSession.RecordRundownAsync(client, $"Process {target.Pid} ({target.Name})", cancellation).ConfigureAwait(false);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var source = new EventPipeEventSource(session.TracePath);
        var rundown = new ClrRundownTraceEventParser(source);
        rundown.MethodDCStopVerbose += data =>
        {
            // The state machine's own MoveNext: its declaring type is the state machine.
            if (data.MethodName == "MoveNext" && data.MethodNamespace.Contains("+<", StringComparison.Ordinal))
            {
                names.Add(data.MethodNamespace);
            }
        };
        source.Process();
        return names.ToList();
    }
}
