namespace LeakWatch.Core.Stacks;

/// <summary>
/// Which snapshots to delete so that at most <c>keepCount</c> snapshots and <c>keepBytes</c> bytes remain. The newest
/// snapshot always stays, even when it alone is larger than the byte budget.
/// </summary>
public static class RetentionPolicy
{
    /// <param name="newestFirst">Each snapshot's name and the size of all its files, newest first.</param>
    public static IReadOnlyList<string> ToDelete(IReadOnlyList<(string Name, long Bytes)> newestFirst, int keepCount, long keepBytes)
    {
        var delete = new List<string>();
        long bytes = 0;
        for (var i = 0; i < newestFirst.Count; i++)
        {
            bytes += newestFirst[i].Bytes;
            if (i > 0 && (i >= keepCount || bytes > keepBytes))
            {
                delete.Add(newestFirst[i].Name);
            }
        }

        return delete;
    }
}
