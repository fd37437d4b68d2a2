using System.Diagnostics;
using System.Globalization;
using LeakWatch.Agent.Counters;

namespace LeakWatch.Agent.Tests.Counters;

/// <summary>A stopped process's /proc figures are frozen: they are not read as new points (rules, terminal, /metrics).</summary>
public class StoppedProcessTests
{
    [Fact]
    public void A_stopped_process_yields_no_proc_samples_until_it_runs_again()
    {
        using var sleep = Process.Start("sleep", "60");
        var pid = sleep.Id.ToString(CultureInfo.InvariantCulture);
        try
        {
            Assert.NotEmpty(ProcStatSource.Read(sleep.Id, DateTimeOffset.UtcNow));

            Process.Start("kill", ["-STOP", pid])!.WaitForExit();
            var stopped = SpinUntil(() => !ProcStatSource.Read(sleep.Id, DateTimeOffset.UtcNow).Any());
            Assert.True(stopped, "samples kept coming from a stopped process");
        }
        finally
        {
            Process.Start("kill", ["-CONT", pid])!.WaitForExit();
        }

        Assert.True(SpinUntil(() => ProcStatSource.Read(sleep.Id, DateTimeOffset.UtcNow).Any()), "no samples after SIGCONT");
        sleep.Kill();
    }

    private static bool SpinUntil(Func<bool> condition) => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(30));
}
