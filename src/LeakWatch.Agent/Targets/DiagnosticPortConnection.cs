using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// One runtime connected to the agent's diagnostic port. <see cref="Client"/> works like a client of a pid: the
/// runtime opens a fresh connection for every command, and the listener hands it over as long as it lives.
/// </summary>
public sealed class DiagnosticPortConnection
{
    private readonly Func<CancellationToken, Task> _waitForConnection;

    internal DiagnosticPortConnection(int processId, Guid runtimeInstanceCookie, DiagnosticsClient client, Func<CancellationToken, Task> waitForConnection)
    {
        ProcessId = processId;
        RuntimeInstanceCookie = runtimeInstanceCookie;
        Client = client;
        _waitForConnection = waitForConnection;
    }

    /// <summary>The pid the runtime advertised: its own, in its own pid namespace.</summary>
    public int ProcessId { get; }

    /// <summary>Unique per runtime start: a restarted app is a new connection even when its pid is the same.</summary>
    public Guid RuntimeInstanceCookie { get; }

    public DiagnosticsClient Client { get; }

    /// <summary>
    /// Whether the runtime is still there: a live runtime always has a connection waiting (it reconnects right after
    /// each command), so none arriving within <paramref name="timeout"/> means it exited.
    /// </summary>
    public async Task<bool> IsConnectedAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        wait.CancelAfter(timeout);
        try
        {
            await _waitForConnection(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
