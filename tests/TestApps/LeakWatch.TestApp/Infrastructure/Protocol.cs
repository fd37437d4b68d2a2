using System.Globalization;
using System.Text;

namespace LeakWatch.TestApp;

/// <summary>
/// The lines a harness reads from stdout:
/// <c>READY pid=&lt;pid&gt; scenario=&lt;name&gt; runtime=&lt;version&gt;</c> exactly once, when set-up is done, then
/// <c>STATUS key=value ...</c> at most once a second with the values scenarios publish through <see cref="SetStatus"/>.
/// </summary>
internal static class Protocol
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);
    private static readonly object OutputGate = new();
    private static readonly Dictionary<string, long> StatusValues = new(StringComparer.Ordinal);
    private static bool isReady;

    public static void Ready(string scenario)
    {
        lock (OutputGate)
        {
            if (isReady)
            {
                return;
            }

            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"READY pid={Environment.ProcessId} scenario={scenario} runtime={Environment.Version}"));
            Console.Out.Flush();
            isReady = true;
        }
    }

    /// <summary>Publishes a value for the next STATUS line; keys keep the order they were first set in.</summary>
    public static void SetStatus(string key, long value)
    {
        lock (StatusValues)
        {
            StatusValues[key] = value;
        }
    }

    /// <summary>Prints a STATUS line every second (once READY and once there is something to say) until cancelled.</summary>
    public static async Task ReportStatusAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(StatusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                WriteStatusLine();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Writes one protocol line (after READY or not), never interleaved with another.</summary>
    public static void WriteLine(string line)
    {
        lock (OutputGate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    private static void WriteStatusLine()
    {
        var line = new StringBuilder("STATUS");
        lock (StatusValues)
        {
            if (StatusValues.Count == 0)
            {
                return;
            }

            foreach (var (key, value) in StatusValues)
            {
                line.Append(' ').Append(key).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));
            }
        }

        lock (OutputGate)
        {
            if (isReady)
            {
                Console.Out.WriteLine(line.ToString());
                Console.Out.Flush();
            }
        }
    }
}
