using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace LeakWatch.Agent.Counters;

/// <summary>What one EventPipe session's end means for the loop around it.</summary>
public enum SessionEnd
{
    /// <summary>The stream ended while the target may still run: start another session after a pause.</summary>
    Restart,

    /// <summary>Nothing more to do for this target (it exited, or the signal gave up).</summary>
    Stop,
}

/// <summary>
/// The one restart loop of a target's EventPipe sessions (counters, async operations): a session that ends while the
/// process still lives (a broken stream, another tool's interference) is started again after
/// <see cref="RestartDelay"/>, and counted as a restart.
/// </summary>
public static class SessionLoop
{
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    /// <param name="session">Runs one session; its argument says whether it is the first.</param>
    public static async Task RunAsync(
        Func<bool, CancellationToken, Task<SessionEnd>> session,
        Func<CancellationToken, Task<bool>> isAlive,
        AgentHealth health,
        TimeProvider time,
        CancellationToken cancellation)
    {
        var first = true;
        while (true)
        {
            var end = await session(first, cancellation).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            if (end == SessionEnd.Stop || !await isAlive(cancellation).ConfigureAwait(false))
            {
                return;
            }

            first = false;
            health.SessionRestarted();
            await Task.Delay(RestartDelay, time, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A reader of the session's live stream. TraceEvent reads it a few bytes at a time (a block's tag, its length,
    /// its header), each a system call on the socket; a buffer makes one read of whatever the target has flushed.
    /// </summary>
    public static EventPipeEventSource OpenEvents(EventPipeSession session) =>
        new(new BufferedStream(session.EventStream, StreamBufferBytes));

    private const int StreamBufferBytes = 32 * 1024;

    /// <summary>Stops a session whose target may already be gone; a stop that fails has nothing left to stop.</summary>
    public static void StopQuietly(EventPipeSession session)
    {
        try
        {
            session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or ObjectDisposedException or TimeoutException or DiagnosticsClientException)
        {
        }
    }
}
