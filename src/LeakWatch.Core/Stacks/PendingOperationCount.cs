namespace LeakWatch.Core.Stacks;

/// <summary>
/// A live count from the async-operations signal (TPL events over EventPipe): operations of <see cref="Method"/>
/// begun since attach and not finished. Put in a snapshot whose async chains could not be walked, so it still says
/// which async code piles up.
/// </summary>
public sealed record PendingOperationCount(string Method, long Pending);
