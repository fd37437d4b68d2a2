using System.Net.Sockets;
using System.Reflection;
using LeakWatch.Core.Text;

namespace LeakWatch.Core.Tests.Text;

/// <summary>Framework exceptions in words: the tool runs with UseSystemResourceKeys, so their own messages are keys.</summary>
public class UserMessagesTests
{
    public static TheoryData<Exception, string> Cases() => new()
    {
        { new LeakWatchException(ExitCode.InvalidConfiguration, "the rules file is empty."), "the rules file is empty" },
        { new FileNotFoundException("IO_FileNotFound_FileName, /x"), "no such file" },
        { new DirectoryNotFoundException("IO_PathNotFound_Path, /x/y"), "a directory on the path does not exist" },
        { new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, /proc/x"), "permission denied" },
        { new IOException("IO_DiskFull", 28), "no space left on the device" },
        { new IOException("IO_ReadOnly", 30), "read-only file system" },
        { new IOException("IO_SharingViolation_File, /x"), "input/output error" },
        { new SocketException((int)SocketError.ConnectionRefused), "connection refused" },
        { new HttpRequestException("net_http_ssl_connection_failed", new SocketException((int)SocketError.TimedOut)), "timed out" },
        { new ArgumentOutOfRangeException("period", "Arg_ArgumentOutOfRangeException Arg_ParamName_Name, period"), "a value out of range" },
        { new InvalidOperationException("net_listener_not_supported"), "an unexpected error" },
        { new InvalidOperationException("The process has exited."), "The process has exited" },
        { new TargetInvocationException("Arg_TargetInvocationException", new PathTooLongException("IO_PathTooLong")), "the path is too long" },
        { new AggregateException(new TimeoutException("x")), "timed out" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Framework_exceptions_are_described_in_words(Exception exception, string expected)
    {
        var text = UserMessages.Describe(exception);

        Assert.Equal(expected, text);
        Assert.False(UserMessages.LooksLikeResourceKey(text));
    }

    [Theory]
    [InlineData("IO_FileNotFound_FileName, /proc/x", true)]
    [InlineData("net_invalid_port", true)]
    [InlineData("Arg_ArgumentOutOfRangeException Arg_ParamName_Name, period", true)]
    [InlineData("no such file", false)]
    [InlineData("--snapshot-dir: /proc cannot hold snapshot files", false)]
    public void Resource_keys_are_recognised(string text, bool isKey) => Assert.Equal(isKey, UserMessages.LooksLikeResourceKey(text));
}
