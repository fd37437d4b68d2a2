using System.Runtime.CompilerServices;

namespace Recommendations;

/// <summary>
/// Leaks pending work in an async <b>lambda</b>: <c>ScheduleRefresh</c> starts an async lambda that awaits a model
/// download which never finishes. The compiler names its state machine
/// <c>ModelRefresher+&lt;&gt;c+&lt;&lt;ScheduleRefresh&gt;b__N_0&gt;d</c>; leakwatch reads
/// <c>Recommendations.ModelRefresher.ScheduleRefresh.lambda#N_0</c>.
/// </summary>
internal static class ModelRefresher
{
    private static readonly List<TaskCompletionSource<int>> PendingDownloads = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Task ScheduleRefresh(int modelId)
    {
        Func<int, Task<int>> refresh = static async id => await WaitForDownload(id).Task;
        return refresh(modelId);
    }

    private static TaskCompletionSource<int> WaitForDownload(int modelId)
    {
        var download = new TaskCompletionSource<int>(modelId, TaskCreationOptions.RunContinuationsAsynchronously);
        lock (PendingDownloads)
        {
            PendingDownloads.Add(download);
        }

        return download;
    }
}
