using System.Globalization;

namespace LeakWatch.Core.Stacks;

/// <summary>
/// The report for a person at a glance: one header line, then each group as its count and headline, its frames below.
/// Thread frames are innermost first; chains start with what is awaited.
/// </summary>
public static class TextReportWriter
{
    /// <summary>Frames shown per group; the rest is summarised as "... N more".</summary>
    public const int MaxFramesShown = 16;

    /// <summary>", captured 52 MiB" or ", frozen walk", after "via attach".</summary>
    private static string RouteText(StackSnapshot snapshot) => snapshot.Route switch
    {
        "capture" => string.Create(CultureInfo.InvariantCulture, $", captured {snapshot.CopiedBytes / (1024.0 * 1024):0} MiB"),
        "frozen" => ", frozen walk",
        _ => "",
    };

    public static void Write(StackSnapshot snapshot, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var runtime = snapshot.RuntimeVersion is null ? "" : $", .NET {snapshot.RuntimeVersion}";
        output.WriteLine(string.Create(c, $"{snapshot.ProcessName} (pid {snapshot.Pid}{runtime}) at {snapshot.TakenAt:yyyy-MM-ddTHH:mm:ssZ}: target paused {snapshot.PausedMs:0} ms, snapshot took {snapshot.DurationMs:0} ms (via {snapshot.Via}{RouteText(snapshot)})"));
        if (snapshot.RouteNote is not null)
        {
            output.WriteLine($"Walked frozen: {snapshot.RouteNote}.");
        }

        if (snapshot.Partial)
        {
            output.WriteLine($"PARTIAL: {snapshot.PartialReason ?? "the walk stopped early"}; counts are lower bounds.");
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"Threads: {snapshot.Threads.Total} managed, {snapshot.Threads.Groups.Count} groups shown"));
        var width = Math.Max(
            snapshot.Threads.Groups.Select(g => g.Count).DefaultIfEmpty(0).Max(),
            snapshot.Tasks.Groups.Select(g => g.Count).DefaultIfEmpty(0).Max()).ToString(c).Length;
        foreach (var group in snapshot.Threads.Groups)
        {
            output.WriteLine(string.Create(c, $"  {group.Count.ToString(c).PadLeft(width)}  {WithLocation(group.Headline, group.HeadlineLocation)}"));
            WriteFrames(output, group.Frames.Select((frame, i) => WithLocation(frame, group.LocationOf(i))).ToList(), width);
        }

        output.WriteLine();
        if (snapshot.TaskChainsSkipped is { } skipped)
        {
            WriteOperations(snapshot, skipped, output, width);
        }
        else
        {
            output.WriteLine(string.Create(c, $"Tasks: {snapshot.Tasks.Pending} pending, {snapshot.Tasks.Groups.Sum(g => g.Count)} async chains in {snapshot.Tasks.Groups.Count} groups shown"));
            foreach (var group in snapshot.Tasks.Groups)
            {
                var awaited = group.Chain.Count > 0 ? group.Chain[0] : AwaitedKinds.Unknown;
                output.WriteLine(string.Create(c, $"  {group.Count.ToString(c).PadLeft(width)}  {WithLocation(group.Headline, group.HeadlineLocation)} awaiting {awaited}"));
                WriteFrames(output, group.Chain.Select((frame, i) => WithLocation(frame, group.LocationOf(i))).ToList(), width);
            }
        }

        TextSections.Write(snapshot, output);
        if (snapshot.DroppedAsync.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"Dropped async methods: {snapshot.DroppedAsync.Sum(d => d.Dropped)} collected unfinished since tracking started (their finally blocks never ran; no heap walk can find them)"));
            foreach (var dropped in snapshot.DroppedAsync)
            {
                output.WriteLine(string.Create(c, $"  {dropped.Dropped.ToString(c).PadLeft(width)}  {dropped.Method}"));
            }
        }
    }

    /// <summary>"Orders.AckWaiter.WaitForAck (AckWaiter.cs:42)", or the frame alone without a location.</summary>
    public static string WithLocation(string frame, string? location) => location is null ? frame : $"{frame} ({location})";

    /// <summary>No heap walk: say why, then the live pending-operation counts, which still name the async code piling up.</summary>
    private static void WriteOperations(StackSnapshot snapshot, string skipped, TextWriter output, int width)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"Tasks: async chains not walked: {skipped}.");
        if (snapshot.PendingOperations.Count == 0)
        {
            output.WriteLine("  no live pending-operation counts (the async-operations signal is off, not started yet, or needs .NET 9+)");
            return;
        }

        output.WriteLine(string.Create(c, $"Pending async operations (live counts since attach), {snapshot.PendingOperations.Count} methods:"));
        var countWidth = Math.Max(width, snapshot.PendingOperations.Max(o => o.Pending).ToString(c).Length);
        foreach (var operation in snapshot.PendingOperations)
        {
            output.WriteLine(string.Create(c, $"  {operation.Pending.ToString(c).PadLeft(countWidth)}  {operation.Method}"));
        }
    }

    private static void WriteFrames(TextWriter output, List<string> frames, int width)
    {
        var indent = new string(' ', width + 6);
        foreach (var frame in frames.Take(MaxFramesShown))
        {
            output.Write(indent);
            output.WriteLine(frame);
        }

        if (frames.Count > MaxFramesShown)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}... {frames.Count - MaxFramesShown} more"));
        }
    }
}
