using System.Globalization;

namespace LeakWatch.Core.Options;

/// <summary>Parses durations as people type them: "500ms", "1s", "2.5s", "10m", "1h", or a bare number of seconds.</summary>
public static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim().ToLowerInvariant();
        var (number, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') => (trimmed[..^1], 60.0),
            _ when trimmed.EndsWith('h') => (trimmed[..^1], 3600.0),
            _ when trimmed.EndsWith('d') => (trimmed[..^1], 86400.0),
            _ => (trimmed, 1.0),
        };

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value) || double.IsInfinity(value) || value < 0 || value * scale > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }

    /// <summary>"1s", "500ms", "10m": the shortest exact form, for messages and documentation.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 1000 } => $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
        { TotalSeconds: < 60 } or { Seconds: not 0 } => $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
        { TotalMinutes: < 60 } or { Minutes: not 0 } => $"{duration.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m",
        _ => $"{duration.TotalHours.ToString(CultureInfo.InvariantCulture)}h",
    };
}
