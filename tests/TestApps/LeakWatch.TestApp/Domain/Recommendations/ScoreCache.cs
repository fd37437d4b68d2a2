using System.Runtime.CompilerServices;

namespace Recommendations;

/// <summary>
/// Leaks pending work in a <b>generic</b> async method: <c>LoadAsync&lt;TScore&gt;</c> awaits a score that is never
/// computed. Its state machine is <c>ScoreCache+&lt;LoadAsync&gt;d__N`1</c> in metadata and
/// <c>ScoreCache+&lt;LoadAsync&gt;d__N&lt;System.Double&gt;</c> on the heap; leakwatch reads
/// <c>Recommendations.ScoreCache.LoadAsync</c> for both.
/// </summary>
internal static class ScoreCache
{
    private static readonly List<object> PendingScores = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<TScore> LoadAsync<TScore>(string key)
    {
        var score = new TaskCompletionSource<TScore>(key, TaskCreationOptions.RunContinuationsAsynchronously);
        lock (PendingScores)
        {
            PendingScores.Add(score);
        }

        return await score.Task;
    }
}
