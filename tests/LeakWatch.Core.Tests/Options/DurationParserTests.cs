using LeakWatch.Core.Options;

namespace LeakWatch.Core.Tests.Options;

public class DurationParserTests
{
    [Theory]
    [InlineData("1", 1000)]
    [InlineData("1s", 1000)]
    [InlineData("2.5s", 2500)]
    [InlineData("500ms", 500)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 3S ", 3000)]
    [InlineData("0", 0)]
    public void Parses_what_people_type(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("-1s")]
    [InlineData("1x")]
    [InlineData("NaN")]
    [InlineData("1e300h")]
    public void Refuses_nonsense(string? text) => Assert.False(DurationParser.TryParse(text, out _));

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(1000, "1s")]
    [InlineData(90_000, "90s")]
    [InlineData(600_000, "10m")]
    [InlineData(7_200_000, "2h")]
    public void Formats_the_shortest_exact_form(double milliseconds, string expected) =>
        Assert.Equal(expected, DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)));
}

public class LabelParserTests
{
    [Theory]
    [InlineData("service=orders", "service", "orders")]
    [InlineData("team=", "team", "")]
    [InlineData("env=a=b", "env", "a=b")]
    public void Accepts_valid_labels(string text, string name, string value)
    {
        Assert.True(LabelParser.TryParse(text, out var label, out _));
        Assert.Equal(name, label.Key);
        Assert.Equal(value, label.Value);
    }

    [Theory]
    [InlineData("orders", "is not key=value")]
    [InlineData("=x", "is not key=value")]
    [InlineData("my-service=x", "not a valid Prometheus label name")]
    [InlineData("__x=1", "not a valid Prometheus label name")]
    [InlineData("pid=1", "set by leakwatch or Prometheus")]
    [InlineData("job=x", "set by leakwatch or Prometheus")]
    public void Refuses_invalid_labels_with_a_reason(string text, string reason)
    {
        Assert.False(LabelParser.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
