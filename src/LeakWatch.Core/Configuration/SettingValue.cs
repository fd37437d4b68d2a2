using System.Globalization;
using LeakWatch.Core.Options;

namespace LeakWatch.Core.Configuration;

/// <summary>
/// The kind of a setting's value and the one parser for it: durations, counts, booleans, choices, URLs and lists
/// (whose items a domain parser checks: labels, rule shortcuts, webhooks). Flags, LEAKWATCH_* variables and file keys
/// all go through <see cref="Problem"/>, so a value is accepted or refused the same wherever it is given. Problems
/// quote the value and read after the source's name: <c>--interval: '1x' is not a duration such as 500ms, 1s, 10m or 1h.</c>
/// </summary>
public sealed class SettingValue
{
    private static readonly char[] ListSeparators = [',', ';', '\n'];

    private readonly Func<string, string?> _problem;

    private SettingValue(bool isList, Func<string, string?> problem)
    {
        IsList = isList;
        _problem = problem;
    }

    /// <summary>"a,b" in a variable, a sequence in a file, a repeated flag: each item is checked alone.</summary>
    public bool IsList { get; }

    /// <summary>Free text: a name, a path (checked where it is used).</summary>
    public static SettingValue Text { get; } = new(false, text => text.Trim().Length == 0 ? $"'{text}' is empty" : null);

    public static SettingValue Boolean { get; } = new(false, text => TryParseBoolean(text, out _) ? null : $"'{text}' is not true or false");

    public static SettingValue Url { get; } = new(false, text => ListenUrl.Problem(text.Trim()));

    /// <summary>A duration between <paramref name="minimum"/> and <paramref name="maximum"/>, checked when it is parsed.</summary>
    public static SettingValue Duration(TimeSpan minimum, TimeSpan maximum) => new(false, text =>
        !DurationParser.TryParse(text, out var duration) ? $"'{text}' is not a duration such as 500ms, 1s, 10m or 1h"
        : duration < minimum ? $"'{text}' is shorter than the minimum of {DurationParser.Format(minimum)}"
        : duration > maximum ? $"'{text}' is longer than the maximum of {DurationParser.Format(maximum)}"
        : null);

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static SettingValue Count(int minimum, int maximum) => new(false, text =>
        TryParseCount(text, out var count) && count >= minimum && count <= maximum
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a whole number from {minimum} to {maximum}"));

    /// <summary>"auto", 0 or a size (<see cref="CopyBudget"/>).</summary>
    public static SettingValue CopyBudgetSize { get; } = new(false, text =>
        CopyBudget.TryParse(text, out _) ? null : $"'{text}' is not auto, 0 (never copy) or a size such as 128MiB or 1GiB");

    public static SettingValue Choice(params string[] choices) => new(false, text =>
        choices.Contains(text.Trim().ToLowerInvariant()) ? null : $"'{text}' is not one of {string.Join(", ", choices)}");

    /// <summary>A list whose every item <paramref name="itemProblem"/> checks (null for a good item).</summary>
    public static SettingValue ListOf(Func<string, string?> itemProblem) => new(true, itemProblem);

    /// <summary>What is wrong with one value (one item of a list), or null when it is good.</summary>
    public string? Problem(string text) => _problem(text);

    /// <summary>The one boolean parser: true/false, 1/0, yes/no, on/off, any case.</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                value = true;
                return true;
            case "false" or "0" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static bool ParseBoolean(string text) =>
        TryParseBoolean(text, out var value) ? value : throw new FormatException($"'{text}' is not true or false.");

    public static bool TryParseCount(string text, out int count) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out count);

    public static TimeSpan ParseDuration(string text) =>
        DurationParser.TryParse(text, out var duration) ? duration : throw new FormatException($"'{text}' is not a duration.");

    /// <summary>The one list splitter: "a, b;c\n" → a, b, c (commas, semicolons or newlines; empty items dropped).</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
