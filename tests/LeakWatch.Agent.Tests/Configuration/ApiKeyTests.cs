using System.Runtime.Versioning;
using LeakWatch.Core;

namespace LeakWatch.Agent.Tests.Configuration;

/// <summary>The key of POST /snapshots: owner-only files, at least 16 bytes, one line naming the source otherwise.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ApiKeyTests : IDisposable
{
    private const string GoodKey = "0123456789abcdef0123";
    private readonly OptionsFixture _files = new();

    private string KeyFile(string content, UnixFileMode mode)
    {
        var path = _files.Write("key", content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private static LeakWatchException Refused(Dictionary<string, string> flags, Dictionary<string, string>? environment = null) =>
        Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(flags, environment));

    [Fact]
    public void An_owner_only_file_with_a_long_key_is_taken()
    {
        var path = KeyFile(GoodKey + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(GoodKey, OptionsFixture.Bind(new Dictionary<string, string> { ["apiKeyFile"] = path }).Http.ApiKey);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "0440")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherWrite, "0402")]
    public void A_file_others_can_open_is_refused(UnixFileMode mode, string shown)
    {
        var path = KeyFile(GoodKey, mode);

        var error = Refused(new() { ["apiKeyFile"] = path });

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.Contains($"is open to other users (mode {shown}): make it owner-only with chmod 600", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("--api-key-file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GoodKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_is_judged_by_the_file_it_points_to()
    {
        var target = KeyFile(GoodKey, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var link = _files.PathOf("link");
        File.CreateSymbolicLink(link, target);

        Assert.Contains("is open to other users (mode 0444)", Refused(new() { ["apiKeyFile"] = link }).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "is 3 bytes; a key needs at least 16")]
    [InlineData("  \n", "is empty")]
    public void A_short_or_empty_key_file_is_refused(string content, string expected)
    {
        var path = KeyFile(content, UnixFileMode.UserRead);

        var error = Refused(new() { ["apiKeyFile"] = path });

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_key_in_the_environment_is_refused_too()
    {
        var error = Refused([], new() { ["LEAKWATCH_API_KEY"] = "short" });

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.StartsWith("LEAKWATCH_API_KEY: the key is 5 bytes; a key needs at least 16", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
