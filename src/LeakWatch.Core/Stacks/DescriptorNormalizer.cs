using System.Text;
using System.Text.RegularExpressions;

namespace LeakWatch.Core.Stacks;

/// <summary>
/// Names what each file descriptor points to so that a leak of similar descriptors is one group: the link target
/// of /proc/PID/fd/N becomes a kind and a pattern. Files keep their directory and name with the parts that vary
/// per file (numbers, random or hex ids, Path.GetTempFileName's tmpXXXX) replaced by '*':
/// <c>/tmp/leakwatch-testapp-4242/segment-000017.log</c> → <c>files /tmp/leakwatch-testapp-*/segment-*.log</c>.
/// Sockets are named from /proc/PID/net (<see cref="ProcNetTables"/>), by endpoint, without the ephemeral port.
/// </summary>
public static partial class DescriptorNormalizer
{
    public const string Files = "files";
    public const string Sockets = "sockets";
    public const string Pipes = "pipes";
    public const string AnonInodes = "anon inodes";
    public const string Devices = "devices";
    public const string Other = "other";

    /// <summary>Groups the link targets of a process's descriptors; <paramref name="sockets"/> maps socket inodes to names.</summary>
    public static DescriptorSection Group(IEnumerable<string> linkTargets, IReadOnlyDictionary<long, string> sockets)
    {
        var total = 0;
        var counts = new Dictionary<(string Kind, string Target), int>();
        foreach (var link in linkTargets)
        {
            total++;
            var key = Classify(link, sockets);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        var groups = counts
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key.Kind, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Target, StringComparer.Ordinal)
            .Select(p => new DescriptorGroup(p.Value, p.Key.Kind, p.Key.Target))
            .ToList();
        return new DescriptorSection(total, groups);
    }

    /// <summary>The kind and normalised target of one descriptor's link target ("socket:[1234]", "/var/log/a.log").</summary>
    public static (string Kind, string Target) Classify(string link, IReadOnlyDictionary<long, string> sockets)
    {
        if (Inode(link, "socket:[") is { } socket)
        {
            return (Sockets, sockets.TryGetValue(socket, out var name) ? name : "other (netlink, packet or another namespace)");
        }

        if (link.StartsWith("pipe:[", StringComparison.Ordinal))
        {
            return (Pipes, "pipe");
        }

        if (link.StartsWith("anon_inode:", StringComparison.Ordinal))
        {
            return (AnonInodes, link["anon_inode:".Length..]);
        }

        if (link.StartsWith("/memfd:", StringComparison.Ordinal))
        {
            return (AnonInodes, WithoutDeleted(link[1..]).Path);
        }

        if (link.StartsWith("/dev/", StringComparison.Ordinal))
        {
            return (Devices, FilePattern(link));
        }

        if (link.StartsWith('/'))
        {
            var (path, deleted) = WithoutDeleted(link);
            return (Files, deleted ? $"{FilePattern(path)} (deleted)" : FilePattern(path));
        }

        // net:[...], mnt:[...], and other namespace or kernel objects.
        return (Other, Digits().Replace(link, "*"));
    }

    /// <summary>
    /// "/tmp/leakwatch-testapp-4242/segment-000017.log" → "/tmp/leakwatch-testapp-*/segment-*.log";
    /// "/tmp/tmpa1B2c3.tmp" → "/tmp/tmp*.tmp". A directory that is a version ("10.0.12") stays as it is.
    /// </summary>
    public static string FilePattern(string path)
    {
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var isDirectory = i < segments.Length - 1;
            if (isDirectory && Version().IsMatch(segments[i]))
            {
                continue;
            }

            segments[i] = NormalizeSegment(segments[i]);
        }

        return string.Join('/', segments);
    }

    private static string NormalizeSegment(string segment)
    {
        var builder = new StringBuilder(segment.Length);
        foreach (Match token in Tokens().Matches(segment))
        {
            builder.Append(token.Groups["word"].Success ? NormalizeWord(token.Value) : token.Value);
        }

        // A GUID or a run of ids ("3f2504e0-4f89-11d3") is one varying part.
        return RepeatedWildcards().Replace(builder.ToString(), "*");
    }

    private static string NormalizeWord(string word)
    {
        var digits = word.Count(char.IsAsciiDigit);
        if (digits == word.Length)
        {
            return "*";
        }

        if (word.Length >= 7 && word.StartsWith("tmp", StringComparison.Ordinal))
        {
            return "tmp*"; // Path.GetTempFileName: tmp + random letters and digits
        }

        var hex = word.All(char.IsAsciiHexDigit);
        return digits > 0 && (word.Length >= 6 || (hex && word.Length >= 4)) ? "*" : word;
    }

    private static (string Path, bool Deleted) WithoutDeleted(string link) =>
        link.EndsWith(" (deleted)", StringComparison.Ordinal) ? (link[..^" (deleted)".Length], true) : (link, false);

    private static long? Inode(string link, string prefix) =>
        link.StartsWith(prefix, StringComparison.Ordinal) && link.EndsWith(']')
        && long.TryParse(link.AsSpan(prefix.Length, link.Length - prefix.Length - 1), out var inode)
            ? inode
            : null;

    [GeneratedRegex(@"(?<word>[A-Za-z0-9]+)|[^A-Za-z0-9]+")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\*(?:[-_]\*)+")]
    private static partial Regex RepeatedWildcards();

    [GeneratedRegex(@"^\d+(?:\.\d+)+$")]
    private static partial Regex Version();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
