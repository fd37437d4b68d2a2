using LeakWatch.Agent.Targets;
using LeakWatch.Core;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Which route a snapshot takes. The heap walk (ClrMD, ptrace or a dump) is the only one that sees async chains,
/// timers and the heap; the EventPipe route sees thread stacks only but needs nothing but the diagnostic connection
/// and barely pauses the target. So the EventPipe route is taken when asked for, when ptrace cannot reach the target
/// (its pid is from another pid namespace: ptracing that number would stop some other process here), and when
/// ptrace is refused; the reason goes into the report.
/// </summary>
internal static class SnapshotRouting
{
    public const string PtraceRefused = "ptrace was refused (the app's user, CAP_SYS_PTRACE or --snapshot-via dump allow a heap walk)";

    /// <summary>Why this snapshot reads thread stacks only, over EventPipe; null to walk the heap.</summary>
    public static string? ThreadStacksOnlyBecause(TargetProcess target, SnapshotOptions options)
    {
        if (options.Route == SnapshotRoute.EventPipe)
        {
            return "--snapshot-via eventpipe samples thread stacks only";
        }

        // A dump is asked for and written through the diagnostic connection, never by pid: it works across namespaces
        // when --dump-dir is a volume both sides see at the same path.
        if (options.Route == SnapshotRoute.Dump)
        {
            return null;
        }

        // Never ptrace by a pid that means another process here (pid 1 of a sidecar app is our init).
        return target.Connection?.PidInvisibleReason;
    }

    /// <summary>ptrace refused on a live attach: thread stacks over EventPipe are still worth having.</summary>
    public static bool FallsBackToEventPipe(LeakWatchException error, SnapshotOptions options) =>
        error.ExitCode == ExitCode.PermissionDenied && options.Route == SnapshotRoute.Attach;
}
