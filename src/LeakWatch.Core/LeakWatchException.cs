namespace LeakWatch.Core;

/// <summary>
/// The one exception type for errors a user can cause and fix. Its message is shown as a single line,
/// without a stack trace, and says what is wrong and what to do; <see cref="ExitCode"/> becomes the process's exit code.
/// </summary>
public sealed class LeakWatchException : Exception
{
    public LeakWatchException(ExitCode exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public ExitCode ExitCode { get; }
}
