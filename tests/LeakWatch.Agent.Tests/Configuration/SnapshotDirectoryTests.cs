using System.Runtime.Versioning;
using LeakWatch.Agent.Configuration;
using LeakWatch.Core;

namespace LeakWatch.Agent.Tests.Configuration;

/// <summary><c>--snapshot-dir</c> is checked when the options are bound, before any target is attached.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SnapshotDirectoryTests : IDisposable
{
    private readonly OptionsFixture _files = new();

    private static LeakWatchOptions Bind(string directory) => OptionsFixture.Bind(new Dictionary<string, string> { ["snapshotDir"] = directory });

    [Fact]
    public void A_missing_directory_is_created_owner_only_with_its_parents()
    {
        var directory = _files.PathOf("a/b/snapshots");

        Assert.Equal(directory, Bind(directory).Snapshots.Directory);

        Assert.True(Directory.Exists(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void An_existing_writable_directory_is_taken_and_left_as_it_was()
    {
        var directory = _files.PathOf("existing");
        Directory.CreateDirectory(directory);

        Bind(directory);

        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("/dev/null")]
    public void A_file_in_the_way_is_refused(string name)
    {
        var path = name.StartsWith('/') ? name : _files.Write(name, "not a directory");

        var error = Assert.Throws<LeakWatchException>(() => Bind(path));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.Equal($"--snapshot-dir: {path} is a file, not a directory: name a directory (it is created if missing).", error.Message);
    }

    [Theory]
    [InlineData("/proc")]
    [InlineData("/proc/self/no-such-dir")]
    public void A_place_that_cannot_hold_files_is_refused(string path)
    {
        var error = Assert.Throws<LeakWatchException>(() => Bind(path));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.StartsWith($"--snapshot-dir: {path} ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_read_only_directory_is_refused()
    {
        if (Environment.UserName == "root")
        {
            return; // root writes through permission bits; /proc above covers the refusal
        }

        var directory = _files.PathOf("read-only");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var error = Assert.Throws<LeakWatchException>(() => Bind(directory));
            Assert.Contains("is not writable by this user", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => _files.Dispose();
}
