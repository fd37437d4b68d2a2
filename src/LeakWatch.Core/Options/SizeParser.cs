using System.Globalization;

namespace LeakWatch.Core.Options;

/// <summary>Parses sizes as people type them: "128MiB", "1GiB", "512KiB", "64MB", "200M", or a bare number of bytes.</summary>
public static class SizeParser
{
    /// <summary>1 TiB: larger values are typing mistakes, not budgets.</summary>
    public const long Largest = 1L << 40;

    private static readonly (string Suffix, long Scale)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30),
        ("kb", 1000), ("mb", 1000 * 1000), ("gb", 1000 * 1000 * 1000),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("b", 1),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim().ToLowerInvariant();
        var (number, scale) = (trimmed, 1L);
        foreach (var (suffix, unit) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal))
            {
                (number, scale) = (trimmed[..^suffix.Length].TrimEnd(), unit);
                break;
            }
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value) || value < 0 || value * scale > Largest)
        {
            return false;
        }

        bytes = (long)(value * scale);
        return true;
    }

    /// <summary>"128MiB", "1GiB", "0": for messages and documentation.</summary>
    public static string Format(long bytes) => bytes switch
    {
        0 => "0",
        _ when bytes % (1L << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30}GiB"),
        _ when bytes % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20}MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#}MiB"),
    };
}
