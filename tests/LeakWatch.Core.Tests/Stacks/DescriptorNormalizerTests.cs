using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class DescriptorNormalizerTests
{
    private static readonly Dictionary<long, string> NoSockets = [];

    public static TheoryData<string, string, string> Links => new()
    {
        // /proc/PID/fd/N link target, kind, normalised target
        { "/tmp/leakwatch-testapp-13065/segment-000064.log", "files", "/tmp/leakwatch-testapp-*/segment-*.log" },
        { "/tmp/tmpa1B2c3.tmp", "files", "/tmp/tmp*.tmp" },
        { "/tmp/tmpXyZwAb.tmp", "files", "/tmp/tmp*.tmp" },
        { "/var/cache/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301.json", "files", "/var/cache/orders/*.json" },
        { "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll", "files", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll" },
        { "/var/log/app/stdout.log", "files", "/var/log/app/stdout.log" },
        { "/data/uploads/part-17.bin (deleted)", "files", "/data/uploads/part-*.bin (deleted)" },
        { "/memfd:doublemapper (deleted)", "anon inodes", "memfd:doublemapper" },
        { "/dev/null", "devices", "/dev/null" },
        { "/dev/pts/3", "devices", "/dev/pts/*" },
        { "pipe:[97051]", "pipes", "pipe" },
        { "anon_inode:[eventpoll]", "anon inodes", "[eventpoll]" },
        { "anon_inode:[eventfd]", "anon inodes", "[eventfd]" },
        { "anon_inode:inotify", "anon inodes", "inotify" },
        { "socket:[424242]", "sockets", "other (netlink, packet or another namespace)" },
        { "net:[4026531840]", "other", "net:[*]" },
    };

    [Theory]
    [MemberData(nameof(Links))]
    public void Each_descriptor_gets_a_kind_and_a_pattern(string link, string kind, string target) =>
        Assert.Equal((kind, target), DescriptorNormalizer.Classify(link, NoSockets));

    [Fact]
    public void A_real_fd_leak_is_one_group_that_leads()
    {
        var section = Real("proc-fd-leak");

        var top = section.Groups[0];
        Assert.Equal(("files", "/tmp/leakwatch-testapp-*/segment-*.log"), (top.Kind, top.Target));
        Assert.Equal(79, top.Count);
        Assert.Equal(File.ReadAllLines(Path.Combine(TestData, "proc-fd-leak", "fd")).Length, section.Total);
    }

    [Fact]
    public void Real_loopback_sockets_are_named_by_listener_and_peer()
    {
        var section = Real("proc-await-kinds");
        string[] names = [.. section.Groups.Where(g => g.Kind == "sockets").Select(g => g.Target)];

        // The await-kinds scenario: a loopback listener, its accepted connections and the clients that connected.
        Assert.Contains("tcp listening 127.0.0.1:42141", names);
        Assert.Contains(names, n => n.StartsWith("tcp 127.0.0.1:42141 ← 127.0.0.1 ESTABLISHED", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("tcp → 127.0.0.1:42141 ESTABLISHED", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("other", StringComparison.Ordinal) && section.Groups.Single(g => g.Target == n).Count > 2);
    }

    private static string TestData => Path.Combine(AppContext.BaseDirectory, "Stacks", "TestData");

    private static DescriptorSection Real(string sample)
    {
        string? Table(string name) => File.Exists(Path.Combine(TestData, sample, name)) ? File.ReadAllText(Path.Combine(TestData, sample, name)) : null;
        var sockets = ProcNetTables.Parse(Table("tcp"), Table("tcp6"), Table("udp"), Table("udp6"), Table("unix"));
        var links = File.ReadAllLines(Path.Combine(TestData, sample, "fd")).Select(line => line[(line.IndexOf(' ') + 1)..]);
        return DescriptorNormalizer.Group(links, sockets);
    }
}
