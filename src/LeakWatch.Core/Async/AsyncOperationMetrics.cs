namespace LeakWatch.Core.Async;

/// <summary>The Prometheus names of the async-operations signal (see docs/async-operations.md).</summary>
public static class AsyncOperationMetrics
{
    public const string Pending = "leakwatch_async_operations_pending";
    public const string Started = "leakwatch_async_operations_started_total";
    public const string TrackingStart = "leakwatch_async_operations_tracking_start_time_seconds";
    public const string Resets = "leakwatch_async_operations_resets_total";
    /// <summary>Async methods the GC collected unfinished (keyword 0x100's IncompleteAsyncMethod): work that never completes.</summary>
    public const string Dropped = "leakwatch_async_operations_dropped_total";
    public const string UntrackedEnds = "leakwatch_async_operations_untracked_ends_total";

    public const string MethodLabel = "method";
    public const string ReasonLabel = "reason";

    /// <summary>The label value summing every method outside the top N.</summary>
    public const string OtherMethods = "other";
}
