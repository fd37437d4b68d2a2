namespace LeakWatch.Agent.Counters.AsyncOperations;

public static class AsyncOperationsDefaults
{
    /// <summary>On: docs/benchmarks.md measured 1.5 % of a core at 10 000 async operations/s (the bar for on-by-default was 3 %).</summary>
    public const bool Enabled = true;

    /// <summary>64 MB: at 100 000 operations/s (200 000 events/s of about 80 bytes) that is seconds of slack for the agent.</summary>
    public const int BufferSizeMB = 64;

    /// <summary>
    /// Off: keyword 0x100 makes every async box in the target finalizable; docs/benchmarks.md measured +0.025 cores at
    /// 10 000 completing operations/s in one run (the signal with it: 3.8 % of a core, over the 3 % bar) and nothing in
    /// another, so its cost is not confirmed low. <c>--async-ops-track-collected true</c> turns on dropped-async counting and the async-dropped rule.
    /// </summary>
    public const bool TrackCollected = false;

    /// <summary>Lost-event resets within <see cref="BackOffWindow"/> after which the signal stops for this target.</summary>
    public const int ResetsBeforeBackOff = 3;

    public static readonly TimeSpan BackOffWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Same-named async methods are told apart with a stack-walked session only while fewer operations than this begin
    /// per second: each stack walk costs the target microseconds, so at this rate about 1 % of a core at most.
    /// </summary>
    public const int StackAttributionMaxBeginsPerSecond = 1000;

    /// <summary>On: its cost is bounded by <see cref="StackAttributionMaxBeginsPerSecond"/> (measured in docs/benchmarks.md).</summary>
    public const bool StackAttribution = true;

    /// <summary>After a rate too high for stack walks, how long before trying again (so the session does not flap).</summary>
    public static readonly TimeSpan StackAttributionPause = TimeSpan.FromMinutes(5);

    /// <summary>The first runtime whose EventPipe sessions can be started without stack walks (IPC CollectTracing3).</summary>
    public const int MinimumRuntimeMajor = 9;
}
