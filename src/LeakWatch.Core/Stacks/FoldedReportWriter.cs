using System.Globalization;

namespace LeakWatch.Core.Stacks;

/// <summary>
/// Folded stacks ("root;...;leaf count" per line) for flamegraph.pl and speedscope. Threads are under a
/// "[threads]" root, outermost frame first; async chains under "[tasks]", outermost method first, the awaited thing as the leaf.
/// </summary>
public static class FoldedReportWriter
{
    public const string ThreadsRoot = "[threads]";
    public const string TasksRoot = "[tasks]";

    public static void Write(StackSnapshot snapshot, TextWriter output)
    {
        foreach (var group in snapshot.Threads.Groups)
        {
            WriteLine(output, ThreadsRoot, group.Frames, group.Count);
        }

        foreach (var group in snapshot.Tasks.Groups)
        {
            WriteLine(output, TasksRoot, group.Chain, group.Count);
        }
    }

    private static void WriteLine(TextWriter output, string root, IReadOnlyList<string> innermostFirst, int count)
    {
        output.Write(root);
        for (var i = innermostFirst.Count - 1; i >= 0; i--)
        {
            output.Write(';');
            output.Write(Escape(innermostFirst[i]));
        }

        output.Write(' ');
        output.WriteLine(count.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>';' separates frames and the last space separates the count: neither may appear inside a frame.</summary>
    public static string Escape(string frame) => frame.Replace(';', ',').Replace(' ', '_');
}
