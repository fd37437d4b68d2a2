using System.Globalization;

namespace LeakWatch.TestApp;

/// <summary>Parses <c>&lt;scenario&gt; [--rate N] [--count N] [--exit-after SECONDS] [--pause-meter MS] [--chains N] [--heap-mib N]</c> and prints usage.</summary>
internal static class CommandLine
{
    public const int UsageExitCode = 2;

    public static bool TryParse(string[] args, out string scenarioName, out ScenarioArgs scenarioArgs, out string? error)
    {
        scenarioName = "";
        scenarioArgs = ScenarioArgs.None;
        error = null;
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            return false;
        }

        scenarioName = args[0];
        for (var i = 1; i < args.Length; i += 2)
        {
            var option = args[i];
            if (option is "--help" or "-h")
            {
                return false;
            }

            if (i + 1 >= args.Length)
            {
                error = $"option '{option}' needs a value";
                return false;
            }

            var value = args[i + 1];
            switch (option)
            {
                case "--rate" when TryParseRate(value, out var rate):
                    scenarioArgs = scenarioArgs with { Rate = rate };
                    break;
                case "--count" when TryParseCount(value, out var count):
                    scenarioArgs = scenarioArgs with { Count = count };
                    break;
                case "--pause-meter" when TryParseCount(value, out var threshold):
                    scenarioArgs = scenarioArgs with { PauseMeterMilliseconds = threshold };
                    break;
                case "--chains" when TryParseCount(value, out var chains):
                    scenarioArgs = scenarioArgs with { Chains = chains };
                    break;
                case "--heap-mib" when TryParseCount(value, out var heap):
                    scenarioArgs = scenarioArgs with { HeapMib = heap };
                    break;
                case "--exit-after" when TryParseSeconds(value, out var exitAfter):
                    scenarioArgs = scenarioArgs with { ExitAfter = exitAfter };
                    break;
                default:
                    error = $"bad option '{option} {value}'";
                    return false;
            }
        }

        return true;
    }

    /// <summary>Writes the error (if any) to stderr, the usage and scenario list to stdout; returns the exit code.</summary>
    public static int PrintUsage(string? error)
    {
        if (error is not null)
        {
            Console.Error.WriteLine($"error: {error}");
        }

        var usage = Console.Out;

        usage.WriteLine("usage: LeakWatch.TestApp <scenario> [--rate N] [--count N] [--exit-after SECONDS] [--pause-meter MS] [--chains N] [--heap-mib N]");
        usage.WriteLine();
        usage.WriteLine("scenarios:");
        var width = ScenarioCatalog.All.Max(scenario => scenario.Name.Length);
        foreach (var scenario in ScenarioCatalog.All)
        {
            usage.WriteLine($"  {scenario.Name.PadRight(width)}  {scenario.Description}");
        }

        return UsageExitCode;
    }

    private static bool TryParseCount(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0;

    private static bool TryParseRate(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && value >= 0;

    private static bool TryParseSeconds(string text, out TimeSpan value)
    {
        var ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0 && seconds < int.MaxValue / 1000.0;
        value = ok ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        return ok;
    }
}
