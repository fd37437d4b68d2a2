using LeakWatch.Core.Async;

namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>The live pending-async-operations signal. Defaults in <see cref="AsyncOperationsDefaults"/>.</summary>
public sealed record AsyncOperationsOptions
{
    /// <summary>Whether to run the signal at all (<c>--async-ops on|off</c>).</summary>
    public bool Enabled { get; init; } = AsyncOperationsDefaults.Enabled;

    /// <summary>How many methods are exported by name, and how many pending operations are tracked at most.</summary>
    public AsyncTrackingOptions Tracking { get; init; } = new();

    /// <summary>
    /// The EventPipe buffer in the target, in MB. It is filled only as fast as the agent falls behind; a buffer
    /// that overflows loses events, which resets the counts.
    /// </summary>
    public int BufferSizeMB { get; init; } = AsyncOperationsDefaults.BufferSizeMB;

    /// <summary>
    /// Also ask for IncompleteAsyncMethod (keyword 0x100), so leaked operations that were garbage-collected stop counting
    /// as pending. It makes every async state machine box in the target finalizable, which costs the target CPU.
    /// </summary>
    public bool TrackCollected { get; init; } = AsyncOperationsDefaults.TrackCollected;

    /// <summary>
    /// Tell same-named methods apart with a stack-walked side session while operations begin slowly
    /// (<see cref="AsyncOperationsDefaults.StackAttributionMaxBeginsPerSecond"/>). Off: they are reported together.
    /// </summary>
    public bool StackAttribution { get; init; } = AsyncOperationsDefaults.StackAttribution;

    /// <summary>A one-line reason the options are unusable, or null.</summary>
    public string? Validate() =>
        BufferSizeMB is < 1 or > 1024 ? $"the async event buffer must be 1 to 1024 MB, not {BufferSizeMB}." : Tracking.Validate();
}
