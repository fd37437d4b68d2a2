using LeakWatch.Core.Options;

namespace LeakWatch.Core.Tests.Options;

public class SizeParserTests
{
    [Theory]
    [InlineData("128MiB", 128L << 20)]
    [InlineData("128mib", 128L << 20)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("512KiB", 512L << 10)]
    [InlineData("200M", 200L << 20)]
    [InlineData("64MB", 64_000_000)]
    [InlineData("0", 0)]
    [InlineData("4096", 4096)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData(" 10 MiB ", 10L << 20)]
    public void Parses_sizes_as_people_type_them(string text, long expected)
    {
        Assert.True(SizeParser.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1MiB")]
    [InlineData("NaN")]
    [InlineData("2TiB")]
    [InlineData("99999999GiB")]
    public void Rejects_what_is_not_a_size(string text) => Assert.False(SizeParser.TryParse(text, out _));

    [Theory]
    [InlineData(128L << 20, "128MiB")]
    [InlineData(1L << 30, "1GiB")]
    [InlineData(0, "0")]
    public void Formats_for_messages(long bytes, string expected) => Assert.Equal(expected, SizeParser.Format(bytes));
}
