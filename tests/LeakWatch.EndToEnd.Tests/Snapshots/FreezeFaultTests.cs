using System.Diagnostics;
using System.Runtime.InteropServices;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>
/// Signal faults aimed at every phase of a snapshot of a 1 000-thread target: the freeze itself (the 10–30 ms right
/// after it begins, where a PTRACE_ATTACH left every thread stopped for good), the copy, the walk with the target
/// running, and the frozen walk. After each, every thread of the target must be out of state T/t and the target must
/// go on printing STATUS. About two dozen kills in all, to keep the CI cost moderate.
/// </summary>
public class FreezeFaultTests
{
    private const string Ready = "runtime ready, target running";
    private const string Frozen = "frozen,";
    private const string Resumed = "resumed";

    /// <summary>(phase marker on LEAKWATCH_TRACE's stderr, delay after it, copy budget: default or 0 for the frozen walk).</summary>
    public static TheoryData<string, string> Points() => new()
    {
        { "KILL", $"{Ready}+0|{Ready}+5|{Ready}+10|{Ready}+15|{Ready}+20|{Ready}+25|{Ready}+30|{Ready}+45" },
        { "KILL", $"{Frozen}+0|{Frozen}+10|{Frozen}+30|{Resumed}+0|{Resumed}+100|{Resumed}+300" },
        { "KILL", $"frozen-walk:{Ready}+10|frozen-walk:{Ready}+25|frozen-walk:{Frozen}+0|frozen-walk:{Frozen}+40|frozen-walk:{Frozen}+150" },
        { "TERM", $"{Ready}+15|{Frozen}+5|frozen-walk:{Frozen}+20|{Resumed}+50" },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public async Task A_signal_at_any_point_of_a_snapshot_never_leaves_the_target_stopped(string signal, string points)
    {
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "1000");
        foreach (var point in points.Split('|'))
        {
            var frozenWalk = point.StartsWith("frozen-walk:", StringComparison.Ordinal);
            var (marker, delay) = Parse(frozenWalk ? point["frozen-walk:".Length..] : point);
            using var leakwatch = StartStacks(app, frozenWalk);
            var seen = await WaitForStderrAsync(leakwatch, marker);
            if (seen)
            {
                SpinFor(delay);
                Signal(leakwatch.Pid, signal == "KILL" ? 9 : 15);
            }

            var exitCode = await leakwatch.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.DoesNotContain(leakwatch.StandardError, l => l.Contains("internal error", StringComparison.Ordinal) || l.Contains("Unhandled", StringComparison.Ordinal));
            if (signal == "TERM" && seen)
            {
                Assert.True(exitCode is 9 or 0, $"SIGTERM at {point}: exit {exitCode}, not 9 (cancelled) or 0 (done first)\n{leakwatch.Transcript}");
            }

            await AssertNoThreadStoppedAsync(app, point);
            await TargetChecks.AssertStillRunningAsync(app);
        }
    }

    internal static ProcessRunner StartStacks(TestApp app, bool frozenWalk, params string[] extra) => new(
        "dotnet",
        [RepoPaths.AgentDll, "stacks", "--pid", StacksCommandTests.Pid(app), "--format", "json", "--max-pause", "30s", .. (frozenWalk ? new[] { "--copy-budget", "0" } : []), .. extra],
        new Dictionary<string, string> { ["LEAKWATCH_TRACE"] = "1" });

    internal static (string Marker, int DelayMs) Parse(string point)
    {
        var plus = point.LastIndexOf('+');
        return (point[..plus], int.Parse(point[(plus + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Polls stderr every millisecond (the windows aimed at are tens of ms wide); false if leakwatch ended first.</summary>
    internal static async Task<bool> WaitForStderrAsync(ProcessRunner process, string marker)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.StandardError.Any(l => l.StartsWith("leakwatch-trace:", StringComparison.Ordinal) && l.Contains(marker, StringComparison.Ordinal)))
            {
                return true;
            }

            if (process.HasExited)
            {
                return false;
            }

            await Task.Delay(1);
        }

        throw new TimeoutException($"leakwatch never printed '{marker}'\n{process.Transcript}");
    }

    internal static void SpinFor(int milliseconds)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalMilliseconds < milliseconds)
        {
            Thread.SpinWait(50);
        }
    }

    internal static void Signal(int pid, int signal) => _ = kill(pid, signal);

    /// <summary>Every thread out of T (stopped) and t (tracing stop): a kernel detach after the tracer dies takes no time to speak of.</summary>
    internal static async Task AssertNoThreadStoppedAsync(TestApp app, string point)
    {
        string? stopped = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            stopped = StoppedThread(app.Pid);
            if (stopped is null)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"after the signal at {point}, a thread of the target is still stopped 5 s later: {stopped}");
    }

    private static string? StoppedThread(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state is 'T' or 't')
                {
                    return $"{Path.GetFileName(task)} in state {state}";
                }
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return null;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
