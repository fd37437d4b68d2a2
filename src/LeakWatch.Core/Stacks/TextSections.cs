using System.Globalization;

namespace LeakWatch.Core.Stacks;

/// <summary>The text report's timers, descriptors and heap sections, after threads and tasks.</summary>
internal static class TextSections
{
    /// <summary>Heap types listed in the text report.</summary>
    public const int HeapTypesShown = 20;

    public static void Write(StackSnapshot snapshot, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        if (snapshot.Timers is { } timers)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"Timers: {timers.Total} live, {timers.Groups.Count} groups shown"));
            var width = Width(timers.Groups.Select(g => g.Count));
            foreach (var group in timers.Groups)
            {
                var location = group.Location is null ? "" : $" ({group.Location})";
                output.WriteLine(string.Create(c, $"  {group.Count.ToString(c).PadLeft(width)}  calling {group.Name}{location}"));
            }
        }

        if (snapshot.Descriptors is { } descriptors)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"File descriptors: {descriptors.Total} open, {descriptors.Groups.Count} groups shown"));
            var width = Width(descriptors.Groups.Select(g => g.Count));
            foreach (var group in descriptors.Groups)
            {
                output.WriteLine(string.Create(c, $"  {group.Count.ToString(c).PadLeft(width)}  {group.Name}"));
            }
        }

        if (snapshot.Heap is { } heap)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"Heap: {heap.Objects} objects, {GroupGrowth.FormatBytes(heap.Bytes)} (reachable or not yet collected); largest types:"));
            var shown = heap.Types.Take(HeapTypesShown).ToList();
            var width = Width(shown.Select(t => t.Count));
            foreach (var type in shown)
            {
                output.WriteLine(string.Create(c, $"  {type.Count.ToString(c).PadLeft(width)}  {GroupGrowth.FormatBytes(type.Bytes),9}  {type.Type}"));
            }
        }
    }

    private static int Width(IEnumerable<int> counts) => counts.DefaultIfEmpty(0).Max().ToString(CultureInfo.InvariantCulture).Length;
}
