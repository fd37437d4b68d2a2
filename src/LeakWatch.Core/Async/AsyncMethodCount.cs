namespace LeakWatch.Core.Async;

/// <summary>One operation key's counts since tracking (re)started.</summary>
/// <param name="Key">What the operations were recorded under: a state machine type name, or an operation such as <c>Task.Delay</c>.</param>
/// <param name="Pending">Began and not ended, less those finalised unfinished, plus any calibration from a heap snapshot.</param>
/// <param name="Started">Began since tracking (re)started.</param>
/// <param name="Dropped">Garbage-collected before they finished (IncompleteAsyncMethod), since tracking (re)started.</param>
public sealed record AsyncMethodCount(string Key, long Pending, long Started, long Dropped = 0);
