using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class RetentionPolicyTests
{
    public static TheoryData<long[], int, long, string[]> Cases => new()
    {
        // sizes newest first (named s0, s1, ...), keep count, keep bytes, deleted
        { [10, 10, 10], 5, 100, [] },
        { [10, 10, 10, 10], 2, 100, ["s2", "s3"] },
        { [10, 10, 10, 10], 10, 25, ["s2", "s3"] },
        { [50, 10], 10, 25, ["s1"] },   // the newest stays even over budget
        { [5, 5, 30, 5], 10, 20, ["s2", "s3"] },
        { [], 1, 1, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Oldest_go_first_within_count_and_bytes(long[] sizes, int keepCount, long keepBytes, string[] expected)
    {
        var snapshots = sizes.Select((bytes, i) => ($"s{i}", bytes)).ToList();
        Assert.Equal(expected, RetentionPolicy.ToDelete(snapshots, keepCount, keepBytes));
    }
}
