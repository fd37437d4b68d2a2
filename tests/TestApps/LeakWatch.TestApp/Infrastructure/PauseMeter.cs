using System.Diagnostics;
using System.Globalization;

namespace LeakWatch.TestApp;

/// <summary>
/// The target's own view of a pause (<c>--pause-meter MS</c>): a dedicated thread sleeps 1 ms in a loop and prints
/// <c>GAP ms=&lt;gap&gt; at=&lt;unix ms when the gap ended&gt;</c> for every wake-up more than MS after the previous one.
/// A tracer that freezes the process stops this thread too, so the gap it sees is the pause the app felt,
/// whatever the tracer reports about itself. The largest gap so far is on STATUS as <c>pause_max_ms</c>.
/// </summary>
internal static class PauseMeter
{
    public static void Start(int thresholdMilliseconds)
    {
        var thread = new Thread(() => Measure(thresholdMilliseconds))
        {
            IsBackground = true,
            Name = "pause-meter",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
    }

    private static void Measure(int thresholdMilliseconds)
    {
        var clock = Stopwatch.StartNew();
        var previous = clock.Elapsed;
        var worst = 0L;
        while (true)
        {
            Thread.Sleep(1);
            var now = clock.Elapsed;
            var gap = (long)(now - previous).TotalMilliseconds;
            previous = now;
            if (gap <= thresholdMilliseconds)
            {
                continue;
            }

            worst = Math.Max(worst, gap);
            Protocol.SetStatus("pause_max_ms", worst);
            Protocol.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"GAP ms={gap} at={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}"));
        }
    }
}
