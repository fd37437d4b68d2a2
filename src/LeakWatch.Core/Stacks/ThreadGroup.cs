namespace LeakWatch.Core.Stacks;

/// <summary>Threads whose normalised stacks are identical. <see cref="Frames"/> is innermost first.</summary>
public sealed record ThreadGroup(int Count, IReadOnlyList<string> Frames)
{
    /// <summary>The frame that names the group for people: the innermost frame that is not a runtime wait or marker.</summary>
    public string Headline => StackText.Headline(Frames);
}
