using System.Globalization;
using System.Text;

namespace LeakWatch.Core.Text;

/// <summary>
/// Makes text that came from another process (command lines, process names) safe to print one per line: a newline
/// in an argument must not become a fake row, and an escape sequence must not drive the user's terminal.
/// </summary>
public static class ControlCharacters
{
    /// <summary>Replaces every control character with a visible escape (<c>\n</c>, <c>\t</c>, <c>\x1b</c>); a backslash becomes <c>\\</c>.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(c => char.IsControl(c) || c == '\\'))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => escaped.Append(@"\\"),
                '\n' => escaped.Append(@"\n"),
                '\r' => escaped.Append(@"\r"),
                '\t' => escaped.Append(@"\t"),
                _ when char.IsControl(c) => escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
