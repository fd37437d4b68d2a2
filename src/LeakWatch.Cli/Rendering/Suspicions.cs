using System.Text.RegularExpressions;

namespace LeakWatch.Cli.Rendering;

/// <summary>
/// The leak rules that currently suspect a leak, read from the messages the rules print ("leak suspected: rule 'R'
/// on pid N: ..." until "leak rule 'R' cleared for pid N: ..."), so the live table keeps them on screen.
/// </summary>
internal sealed partial class Suspicions
{
    private readonly Dictionary<(string Rule, int Pid), string> _open = new();

    public void Observe(string message)
    {
        if (SuspectedPattern().Match(message) is { Success: true } suspected)
        {
            _open[(suspected.Groups[1].Value, int.Parse(suspected.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))] = message;
        }
        else if (ClearedPattern().Match(message) is { Success: true } cleared)
        {
            _open.Remove((cleared.Groups[1].Value, int.Parse(cleared.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public IEnumerable<string> For(int pid) => _open.Where(s => s.Key.Pid == pid).OrderBy(s => s.Key.Rule, StringComparer.Ordinal).Select(s => s.Value);

    [GeneratedRegex(@"^leak suspected: rule '([^']+)' on pid (\d+):")]
    private static partial Regex SuspectedPattern();

    [GeneratedRegex(@"^leak rule '([^']+)' cleared for pid (\d+):")]
    private static partial Regex ClearedPattern();
}
