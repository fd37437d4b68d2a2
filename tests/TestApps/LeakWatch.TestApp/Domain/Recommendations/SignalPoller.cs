using System.Runtime.CompilerServices;

namespace Recommendations;

/// <summary>
/// Leaks pending work in an async <b>local function</b>: <c>StartPolling</c> calls its local
/// <c>PollSignalsAsync</c>, which awaits a signal that never comes. The compiler names its state machine
/// <c>SignalPoller+&lt;&lt;StartPolling&gt;g__PollSignalsAsync|N_0&gt;d</c>; leakwatch reads
/// <c>Recommendations.SignalPoller.StartPolling.PollSignalsAsync</c>.
/// </summary>
internal static class SignalPoller
{
    private static readonly List<TaskCompletionSource<bool>> PendingSignals = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Task StartPolling(int userId)
    {
        return PollSignalsAsync(userId);

        static async Task<bool> PollSignalsAsync(int user)
        {
            var signal = new TaskCompletionSource<bool>(user, TaskCreationOptions.RunContinuationsAsynchronously);
            lock (PendingSignals)
            {
                PendingSignals.Add(signal);
            }

            return await signal.Task;
        }
    }
}
