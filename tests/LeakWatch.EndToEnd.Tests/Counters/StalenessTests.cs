using System.Diagnostics;
using System.Globalization;
using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Counters;

/// <summary>
/// A target stopped by SIGSTOP (from the test: the agent never stops a target for this) sends nothing: its series are
/// marked stale (last-sample gauge frozen, /readyz 503 naming it, the live view says so) and come back after SIGCONT.
/// </summary>
public class StalenessTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static void Signal(int pid, string signal) =>
        Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit(5000);

    private static async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(Agent agent)
    {
        using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{agent.Port}/readyz"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stopped_target_is_marked_stale_and_fresh_again_after_SIGCONT()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Attach(app.Pid, "--output", "lines", "--interval", "1s", "--snapshot-baseline", "false");
        var pid = app.Pid.ToString(CultureInfo.InvariantCulture);
        var first = await agent.Metrics.WaitForAsync("leakwatch_target_last_sample_timestamp_seconds", s => s["pid"] == pid);
        Assert.Equal("LeakWatch.TestApp", first["process_name"]);
        await Eventually.ValueAsync(async () => (await ReadyzAsync(agent)).Status == HttpStatusCode.OK ? "ok" : null, Eventually.DefaultTimeout, () => "never ready");

        Signal(app.Pid, "STOP");
        try
        {
            var body = await Eventually.ValueAsync(
                async () => await ReadyzAsync(agent) is var r && r.Status == HttpStatusCode.ServiceUnavailable ? r.Body : null,
                Eventually.DefaultTimeout, () => $"/readyz stayed 200 while the target was stopped\n{agent.Process.Transcript}");
            Assert.StartsWith($"stale: pid {pid} (LeakWatch.TestApp) has sent nothing for ", body, StringComparison.Ordinal);
            await agent.Process.WaitForLineAsync(l => l.Contains($"pid={pid} ", StringComparison.Ordinal) && l.Contains(" stale=", StringComparison.Ordinal), Eventually.DefaultTimeout);

            // Frozen: the gauge no longer moves while the target is stopped.
            var frozen = (await agent.Metrics.WaitForAsync("leakwatch_target_last_sample_timestamp_seconds", s => s["pid"] == pid)).Value;
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(frozen, (await agent.Metrics.WaitForAsync("leakwatch_target_last_sample_timestamp_seconds", s => s["pid"] == pid)).Value);
            Assert.True(app.IsRunning);
        }
        finally
        {
            Signal(app.Pid, "CONT");
        }

        await Eventually.ValueAsync(async () => (await ReadyzAsync(agent)).Status == HttpStatusCode.OK ? "ok" : null, Eventually.DefaultTimeout,
            () => $"/readyz did not recover after SIGCONT\n{agent.Process.Transcript}");
        await agent.Metrics.WaitForAsync("leakwatch_target_last_sample_timestamp_seconds", s => s["pid"] == pid && s.Value > first.Value + 3);
    }
}
