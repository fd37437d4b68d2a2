using LeakWatch.Core.Options;

namespace LeakWatch.Core.Tests.Options;

public class ListenUrlTests
{
    [Theory]
    [InlineData("none", null)]
    [InlineData("http://127.0.0.1:9473", "http://127.0.0.1:9473/")]
    [InlineData("http://127.0.0.1:0", "http://127.0.0.1:0/")]
    [InlineData("http://*:9473", "http://0.0.0.0:9473/")]
    [InlineData("http://[::1]:9464", "http://[::1]:9464/")]
    [InlineData("http://[::]:9464", "http://[::]:9464/")]
    public void Good_addresses_parse(string text, string? expected)
    {
        Assert.Null(ListenUrl.Problem(text));
        Assert.True(ListenUrl.TryParse(text, out var url));
        Assert.Equal(expected, url?.ToString());
    }

    [Theory]
    [InlineData("http://a:b@host:9464", "user name or password")]
    [InlineData("http://admin@127.0.0.1:9464", "user name or password")]
    [InlineData("https://127.0.0.1:9464", "is not an http:// URL")]
    [InlineData("http://127.0.0.1", "with a port")]
    [InlineData("http://127.0.0.1:9464/metrics", "no path")]
    [InlineData("http://[::1:9464", "is not an http:// URL")]
    [InlineData("http://127.0.0.1:99999", "is not an http:// URL")]
    [InlineData("", "is not an http:// URL")]
    public void Bad_addresses_say_why(string text, string expected)
    {
        var problem = ListenUrl.Problem(text);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.False(ListenUrl.TryParse(text, out _));
    }

    [Fact]
    public void User_info_is_never_echoed() =>
        Assert.DoesNotContain("s3cret", ListenUrl.Problem("http://admin:s3cret@127.0.0.1:9464"), StringComparison.Ordinal);
}
