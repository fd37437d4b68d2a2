using System.Globalization;
using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Where a method is, as read during the pause: its module's path, metadata token and IL offset, appended to the
/// frame's name ("name\tmodule\ttoken\til"). Only what the pause can read cheaply; the PDB lookup that turns it into
/// "AckWaiter.cs:42" happens after the target is resumed (<see cref="SourceLocator"/>).
/// </summary>
internal static class CodeReference
{
    /// <summary>The IL offset that means "the method's first line" (a timer's callback, not a point in it).</summary>
    public const int Declaration = -1;

    private const char Separator = FrameNormalizer.LocationSeparator;

    /// <summary>"name\tmodule\ttoken\til", or the name alone for a method without a module file.</summary>
    public static string Append(string name, ClrMethod method, int ilOffset) =>
        method.Type?.Module?.Name is { Length: > 0 } module && method.MetadataToken != 0
            ? string.Create(CultureInfo.InvariantCulture, $"{name}{Separator}{module}{Separator}{method.MetadataToken}{Separator}{ilOffset}")
            : name;

    /// <summary>"name\tFile.cs:42" when the location is found, else the name alone (the form FrameNormalizer reads).</summary>
    public static string? Resolve(string? raw, SourceLocator locator)
    {
        var (name, location) = Split(raw, locator);
        return location is null ? name : $"{name}{Separator}{location}";
    }

    /// <summary>The name and the source location ("File.cs:42", or null) of a raw reference.</summary>
    public static (string? Name, string? Location) Split(string? raw, SourceLocator locator)
    {
        var parts = raw?.Split(Separator);
        if (parts is not { Length: 4 })
        {
            return (raw, null);
        }

        var location = int.TryParse(parts[2], CultureInfo.InvariantCulture, out var token)
                       && int.TryParse(parts[3], CultureInfo.InvariantCulture, out var ilOffset)
            ? locator.Locate(parts[1], token, ilOffset)
            : null;
        return (parts[0], location);
    }
}
