namespace LeakWatch.Core;

/// <summary>
/// Process exit codes, documented in docs/cli.md. Scripts branch on these, so values never change meaning.
/// </summary>
public enum ExitCode
{
    Success = 0,

    /// <summary>A bug in leakwatch: the message says so and asks for a report.</summary>
    InternalError = 1,

    /// <summary>The command line is wrong: unknown option, bad value, missing argument.</summary>
    UsageError = 2,

    /// <summary>No process matches the pid or name, or the name matches several.</summary>
    TargetNotFound = 3,

    /// <summary>The process exists but is not a .NET process with a diagnostic port leakwatch can use.</summary>
    TargetNotSupported = 4,

    /// <summary>The operating system refused access to the target (another user, ptrace policy).</summary>
    PermissionDenied = 5,

    /// <summary>The HTTP listen address is taken or cannot be bound.</summary>
    PortUnavailable = 6,

    /// <summary>A rules or configuration file is unreadable or invalid.</summary>
    InvalidConfiguration = 7,

    /// <summary>The target went away while an operation was under way.</summary>
    TargetExited = 8,

    /// <summary>A one-shot command (stacks) was stopped by SIGTERM, SIGINT or Ctrl+C before it finished; the target was resumed.</summary>
    Cancelled = 9,
}
