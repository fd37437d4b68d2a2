using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace LeakWatch.Core.Text;

/// <summary>
/// What a framework exception says, in words a user can read. The tool runs with <c>UseSystemResourceKeys</c>, so a
/// .NET exception's own message is a resource key (<c>IO_FileNotFound_FileName, /x</c>, <c>net_invalid_port</c>);
/// every path where an exception's text reaches a person goes through <see cref="Describe"/> instead.
/// </summary>
public static partial class UserMessages
{
    /// <summary>A written description of <paramref name="e"/>: a <see cref="LeakWatchException"/>'s own line, else one from its kind.</summary>
    public static string Describe(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            return Describe(aggregate.InnerExceptions[0]);
        }

        if (e is System.Reflection.TargetInvocationException { InnerException: { } invoked })
        {
            return Describe(invoked);
        }

        return e switch
        {
            LeakWatchException => e.Message.TrimEnd('.'),
            FileNotFoundException => "no such file",
            DirectoryNotFoundException => "a directory on the path does not exist",
            PathTooLongException => "the path is too long",
            UnauthorizedAccessException => "permission denied",
            EndOfStreamException => "the other side closed the connection",
            IOException io when Errno(io) is { } errno => errno,
            SocketException socket => Words(socket.SocketErrorCode.ToString()),
            HttpRequestException { InnerException: { } inner } => Describe(inner),
            HttpRequestException http when http.StatusCode is { } status => $"HTTP {(int)status}",
            TimeoutException or TaskCanceledException => "timed out",
            OperationCanceledException => "cancelled",
            OutOfMemoryException or InsufficientExecutionStackException => "out of memory",
            _ when !LooksLikeResourceKey(e.Message) && e.Message.Length > 0 => FirstLine(e.Message).TrimEnd('.'),
            IOException => "input/output error",
            ArgumentException or FormatException or OverflowException => "a value out of range",
            _ when e.InnerException is { } inner => Describe(inner),
            _ => "an unexpected error",
        };
    }

    /// <summary>Whether <paramref name="text"/> is a raw resource key rather than a sentence (<c>Arg_ParamName_Name</c>, <c>net_listener_not_supported</c>).</summary>
    public static bool LooksLikeResourceKey(string text) => ResourceKey().IsMatch(text);

    private static string? Errno(IOException e) => (e.HResult & 0xFFFF) switch
    {
        // On Unix an IOException carries the errno; the few a user can meet and fix, in words.
        13 => "permission denied",
        17 => "it already exists",
        20 => "a part of the path is not a directory",
        21 => "it is a directory",
        24 => "too many open files",
        28 => "no space left on the device",
        30 => "read-only file system",
        36 => "the name is too long",
        _ => null,
    };

    /// <summary>"ConnectionRefused" → "connection refused".</summary>
    private static string Words(string pascal) => CapitalLetter().Replace(pascal, m => (m.Index == 0 ? "" : " ") + m.Value.ToLowerInvariant());

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    // A key: identifier-like words joined by '_' with no spaces before the first comma (the arguments follow it).
    [GeneratedRegex(@"^(?:[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+)(?:[ ,]|$)")]
    private static partial Regex ResourceKey();

    [GeneratedRegex("[A-Z]")]
    private static partial Regex CapitalLetter();
}
