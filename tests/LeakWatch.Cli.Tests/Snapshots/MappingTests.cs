using LeakWatch.Agent.Snapshots.Freezing;

namespace LeakWatch.Cli.Tests.Snapshots;

/// <summary>Which mappings of /proc/PID/maps the capture route copies: what can change once the target runs again.</summary>
public class MappingTests
{
    [Theory]
    [InlineData("7f1200000000-7f1210000000 rw-p 00000000 00:00 0 ", true)] // GC region, thread stack
    [InlineData("55d0c0a00000-55d0c0c00000 rw-p 00000000 00:00 0                          [heap]", true)]
    [InlineData("7ffd1c000000-7ffd1c021000 rw-p 00000000 00:00 0                          [stack]", true)]
    [InlineData("7f12a0000000-7f12a0100000 rw-p 0031c000 08:01 1234  /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so", true)]
    [InlineData("7f12b0000000-7f12b0100000 r-xs 00000000 00:01 77   /memfd:doublemapper (deleted)", true)] // runtime code and stubs
    [InlineData("7f12c0000000-7f12c0010000 rw-s 00000000 00:00 9   /dev/zero (deleted)", true)]
    [InlineData("7f12d0000000-7f12d0400000 r-xp 00000000 08:01 1234  /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so", false)]
    [InlineData("7f12e0000000-7f12e0400000 r--p 00000000 08:01 99    /app/Orders.dll", false)] // never changes: read live
    [InlineData("7f12f0000000-7f12f0400000 rw-s 00000000 08:01 42    /data/cache.mmap", false)] // an app's own mapped file
    [InlineData("7f1300000000-7f1340000000 ---p 00000000 00:00 0 ", false)] // reserved, unreadable
    [InlineData("7ffd1c1f0000-7ffd1c1f4000 r--p 00000000 00:00 0                          [vvar]", false)]
    [InlineData("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]", false)]
    public void Copies_what_can_change_and_reads_the_rest_live(string line, bool copied)
    {
        var mapping = Mapping.Parse(line);
        Assert.NotNull(mapping);
        Assert.Equal(copied, mapping.Value.NeedsCopy);
    }

    [Fact]
    public void Reads_addresses_permissions_and_paths_with_spaces()
    {
        var mapping = Mapping.Parse("7f12b0000000-7f12b0100000 r-xs 00000000 00:01 77   /memfd:doublemapper (deleted)")!.Value;
        Assert.Equal(0x7f12b0000000UL, mapping.Start);
        Assert.Equal(0x7f12b0100000UL, mapping.End);
        Assert.Equal("/memfd:doublemapper (deleted)", mapping.Path);
        Assert.True(mapping.Shared);
        Assert.False(mapping.Anonymous);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("zz-10 rw-p 0 0 0")]
    [InlineData("2000-1000 rw-p 00000000 00:00 0")]
    public void Ignores_lines_it_cannot_read(string line) => Assert.Null(Mapping.Parse(line));
}
