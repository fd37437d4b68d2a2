namespace LeakWatch.Core.Async;

/// <summary>How the pending-operations tracker counts and reports. Defaults in <see cref="AsyncTrackingDefaults"/>.</summary>
public sealed record AsyncTrackingOptions
{
    /// <summary>Methods exported by name, those with the most pending operations; the rest are summed as <c>method="other"</c>.</summary>
    public int TopMethods { get; init; } = AsyncTrackingDefaults.TopMethods;

    /// <summary>
    /// Pending operations remembered at most (about 40 bytes each). A leak that outgrows it resets the count with
    /// reason <c>tracking_limit</c> rather than letting the agent's own memory grow without bound.
    /// </summary>
    public int MaxTrackedOperations { get; init; } = AsyncTrackingDefaults.MaxTrackedOperations;

    /// <summary>A one-line reason the options are unusable, or null.</summary>
    public string? Validate() =>
        TopMethods is < 1 or > AsyncTrackingDefaults.MaxTopMethods
            ? $"the number of async methods to export must be between 1 and {AsyncTrackingDefaults.MaxTopMethods}, not {TopMethods}."
            : MaxTrackedOperations < 1000
                ? $"at least 1000 pending async operations must be trackable, not {MaxTrackedOperations}."
                : null;
}

public static class AsyncTrackingDefaults
{
    /// <summary>Ten methods: enough to see the few that leak, few enough to read in the live table (two lines each).</summary>
    public const int TopMethods = 10;

    /// <summary>Upper bound for <see cref="AsyncTrackingOptions.TopMethods"/>: every method is a Prometheus series pair.</summary>
    public const int MaxTopMethods = 200;

    /// <summary>Two million operations: about 80 MB in the agent; a 40/s leak reaches it after 14 hours.</summary>
    public const int MaxTrackedOperations = 2_000_000;
}
