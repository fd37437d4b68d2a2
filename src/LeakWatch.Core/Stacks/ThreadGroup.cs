namespace LeakWatch.Core.Stacks;

/// <summary>
/// Threads whose normalised stacks are identical. <see cref="Frames"/> is innermost first; <see cref="Locations"/>,
/// when any frame has one, gives each frame's source location ("AckWaiter.cs:42", or null) at the same index.
/// </summary>
public sealed record ThreadGroup(int Count, IReadOnlyList<string> Frames)
{
    public IReadOnlyList<string?>? Locations { get; init; }

    /// <summary>The frame that names the group for people: the innermost frame that is not a runtime wait or marker.</summary>
    public string Headline => StackText.Headline(Frames);

    /// <summary>The source location of <see cref="Headline"/>'s frame, or null.</summary>
    public string? HeadlineLocation => LocationOf(StackText.HeadlineIndex(Frames));

    /// <summary>The location of frame <paramref name="index"/>, or null.</summary>
    public string? LocationOf(int index) => Locations is { } locations && index >= 0 && index < locations.Count ? locations[index] : null;

    /// <summary>What identifies the group: its frames and their locations.</summary>
    internal string Key => Locations is null ? string.Join('\n', Frames) : string.Join('\n', Frames.Zip(Locations, (f, l) => $"{f}{FrameNormalizer.LocationSeparator}{l}"));
}
