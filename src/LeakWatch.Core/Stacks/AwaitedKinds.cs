namespace LeakWatch.Core.Stacks;

/// <summary>
/// Names what the innermost async method of a chain waits for, from the runtime type of the awaited object
/// (a Task or an IValueTaskSource). The names are what an application wrote, not runtime internals.
/// </summary>
public static class AwaitedKinds
{
    public const string TaskCompletionSource = "TaskCompletionSource.Task";
    public const string SemaphoreWait = "SemaphoreSlim.WaitAsync";
    public const string ChannelRead = "Channel.ReadAsync";
    public const string ChannelWrite = "Channel.WriteAsync";
    public const string Delay = "Task.Delay";
    public const string Socket = "Socket I/O (Socket/NetworkStream)";
    public const string Unknown = "[unknown await]";

    private static readonly (string Prefix, string Kind)[] ByTypePrefix =
    [
        ("System.Threading.SemaphoreSlim+TaskNode", SemaphoreWait),
        ("System.Threading.Tasks.Task+DelayPromise", Delay),
        ("System.Threading.Channels.BlockedReadAsyncOperation", ChannelRead),
        ("System.Threading.Channels.BlockedWriteAsyncOperation", ChannelWrite),
        ("System.Threading.Channels.VoidAsyncOperationWithData", ChannelWrite),
        ("System.Threading.Channels.AsyncOperation", "Channel (WaitToRead/WaitToWrite)"),
        ("System.Net.Sockets.Socket+AwaitableSocketAsyncEventArgs", Socket),
        ("System.Net.Sockets.SocketAsyncEventArgs", Socket),
        ("System.Net.Sockets.Socket+TaskSocketAsyncEventArgs", Socket),
        ("System.Net.Sockets.NetworkStream", Socket),
        ("System.IO.Pipelines.", "Pipe.ReadAsync/FlushAsync"),
        ("System.IO.Stream+ReadWriteTask", "Stream.ReadAsync/WriteAsync"),
        ("System.IO.Strategies.", "FileStream I/O"),
        ("System.IO.RandomAccess", "FileStream I/O"),
        ("System.Threading.Tasks.Task+WhenAllPromise", "Task.WhenAll"),
        ("System.Threading.Tasks.TaskFactory+CompleteOnInvokePromise", "Task.WhenAny"),
        ("System.Threading.Tasks.Task+TwoTaskWhenAnyPromise", "Task.WhenAny"),
        ("System.Threading.Tasks.UnwrapPromise", "Task.Unwrap (Task.Run of async)"),
        ("System.Threading.PeriodicTimer", "PeriodicTimer.WaitForNextTickAsync"),
        ("System.Threading.Tasks.TaskToAsyncResult", "APM (Begin/End) operation"),
        ("System.Threading.Tasks.Task+CancellationPromise", "Task.WaitAsync"),
        ("System.Threading.Tasks.Task+WaitAsyncPromise", "Task.WaitAsync"),
        ("System.Net.Http.", "HttpClient"),
        ("System.Net.Security.", "SslStream I/O"),
    ];

    /// <summary>
    /// The kind of wait for an awaited object's type. <paramref name="hasDelegate"/> is true for a Task that runs code
    /// (Task.Run, StartNew, ContinueWith) rather than a promise completed from outside (TaskCompletionSource).
    /// </summary>
    public static string Describe(string? awaitedTypeName, bool hasDelegate = false)
    {
        if (string.IsNullOrEmpty(awaitedTypeName))
        {
            return Unknown;
        }

        foreach (var (prefix, kind) in ByTypePrefix)
        {
            if (awaitedTypeName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return kind;
            }
        }

        var clean = FrameNormalizer.CleanName(awaitedTypeName);
        if (clean is "System.Threading.Tasks.Task")
        {
            return hasDelegate ? "Task.Run/StartNew (running or queued)" : TaskCompletionSource;
        }

        if (clean.StartsWith("System.Threading.Tasks.ContinuationTaskFrom", StringComparison.Ordinal))
        {
            return "Task.ContinueWith";
        }

        return clean.Replace('+', '.');
    }
}
