using System.CommandLine;
using System.Text.RegularExpressions;

namespace LeakWatch.Cli;

/// <summary>
/// System.CommandLine's parse errors, made one line without CLR type names: "Cannot parse argument 'abc' for option
/// '--pid' as expected type 'System.Nullable`1[System.Int32]'" becomes "--pid: 'abc' is not a whole number."
/// </summary>
internal static partial class ParseErrors
{
    public static string Describe(string message, Command command)
    {
        var match = CannotParse().Match(message);
        if (!match.Success)
        {
            return string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var (value, name) = (match.Groups["value"].Value, match.Groups["option"].Value);
        var option = command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
        var type = option?.ValueType is { } t ? Nullable.GetUnderlyingType(t) ?? t : null;
        var expected = type switch
        {
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(bool) => "true or false",
            _ => "a valid value",
        };
        return $"{name}: '{Printable(value)}' is not {expected}.";
    }

    private static string Printable(string value) =>
        new(value.Take(60).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex CannotParse();
}
