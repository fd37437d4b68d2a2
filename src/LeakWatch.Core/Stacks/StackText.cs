using System.Text.RegularExpressions;

namespace LeakWatch.Core.Stacks;

/// <summary>Short names of groups for headlines, metric labels and file names.</summary>
public static partial class StackText
{
    /// <summary>The innermost frame of a thread stack that is application code, not a runtime wait or marker.</summary>
    public static string Headline(IReadOnlyList<string> frames) =>
        HeadlineIndex(frames) is var index and >= 0 ? frames[index] : FrameNormalizer.NativeFrame;

    /// <summary>The index of <see cref="Headline"/>'s frame, or -1 for no frame.</summary>
    public static int HeadlineIndex(IReadOnlyList<string> frames)
    {
        for (var i = 0; i < frames.Count; i++)
        {
            if (!frames[i].StartsWith('[') && !FrameNormalizer.IsWaitPrimitive(frames[i]))
            {
                return i;
            }
        }

        return frames.Count > 0 ? 0 : -1;
    }

    /// <summary>"Payments.Gateway.AuthorizeAsync (state 0)" → "Payments.Gateway.AuthorizeAsync".</summary>
    public static string WithoutState(string method) => StateSuffix().Replace(method, "");

    /// <summary>
    /// A metric label for a group: its frames joined with ';' (innermost first), cut to <paramref name="maxLength"/>
    /// characters with an ellipsis so label values stay bounded.
    /// </summary>
    public static string Label(IReadOnlyList<string> frames, int maxLength)
    {
        var joined = string.Join(';', frames);
        return joined.Length <= maxLength ? joined : string.Concat(joined.AsSpan(0, Math.Max(0, maxLength - 1)), "…");
    }

    [GeneratedRegex(@" \(state -?\d+\)$")]
    private static partial Regex StateSuffix();
}
