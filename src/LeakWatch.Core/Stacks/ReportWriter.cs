namespace LeakWatch.Core.Stacks;

/// <summary>Writes a snapshot in any <see cref="ReportFormat"/>; <c>top</c> keeps the largest groups only (null: all).</summary>
public static class ReportWriter
{
    public static void Write(StackSnapshot snapshot, ReportFormat format, TextWriter output, int? top = null)
    {
        var shown = top is { } n ? Top(snapshot, n) : snapshot;
        switch (format)
        {
            case ReportFormat.Text:
                TextReportWriter.Write(shown, output);
                break;
            case ReportFormat.Json:
                JsonReportWriter.Write(shown, output);
                break;
            case ReportFormat.Folded:
                FoldedReportWriter.Write(shown, output);
                break;
            case ReportFormat.Speedscope:
                SpeedscopeReportWriter.Write(shown, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    public static string ToText(StackSnapshot snapshot, ReportFormat format, int? top = null)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(snapshot, format, writer, top);
        return writer.ToString();
    }

    /// <summary>The file extension of a format: json, txt, folded, speedscope.json.</summary>
    public static string Extension(ReportFormat format) => format switch
    {
        ReportFormat.Text => "txt",
        ReportFormat.Json => "json",
        ReportFormat.Folded => "folded",
        ReportFormat.Speedscope => "speedscope.json",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The snapshot with only its <paramref name="count"/> largest groups of each kind; totals are unchanged.</summary>
    public static StackSnapshot Top(StackSnapshot snapshot, int count) => snapshot with
    {
        Threads = snapshot.Threads with { Groups = snapshot.Threads.Groups.Take(count).ToList() },
        Tasks = snapshot.Tasks with { Groups = snapshot.Tasks.Groups.Take(count).ToList() },
        Timers = snapshot.Timers is { } timers ? timers with { Groups = timers.Groups.Take(count).ToList() } : null,
        Descriptors = snapshot.Descriptors is { } descriptors ? descriptors with { Groups = descriptors.Groups.Take(count).ToList() } : null,
        Heap = snapshot.Heap is { } heap ? heap with { Types = heap.Types.Take(count).ToList() } : null,
    };
}
