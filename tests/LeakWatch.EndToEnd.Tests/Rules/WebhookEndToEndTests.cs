using System.Globalization;
using System.Text.Json;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Rules;

/// <summary>Webhooks called by a real agent: a receiver on loopback inside the test.</summary>
public class WebhookEndToEndTests
{
    [Fact]
    public async Task A_thread_leak_is_posted_to_the_webhook_as_generic_json()
    {
        using var receiver = new WebhookReceiver();

        using var app = await TestApp.StartAsync("thread-leak");
        using var agent = Agent.Attach(app.Pid, "--webhook", receiver.Url);

        var (contentType, body) = await receiver.FirstWithinAsync(TimeSpan.FromSeconds(120));

        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("leak_suspected", root.GetProperty("event").GetString());
        Assert.Equal("thread-leak", root.GetProperty("rule").GetString());
        Assert.Equal("process_num_threads", root.GetProperty("signal").GetString());
        Assert.Equal(app.Pid, root.GetProperty("pid").GetInt32());
        Assert.Equal(20, root.GetProperty("windowSeconds").GetDouble());
        Assert.InRange(root.GetProperty("slopePerSecond").GetDouble(), 1, 10);
        Assert.Contains("thread-leak", root.GetProperty("message").GetString(), StringComparison.Ordinal);
        await agent.Metrics.WaitForAsync("leakwatch_webhook_deliveries_total", s => s["format"] == "generic" && s.Value == 1);
    }

    [Fact]
    public async Task The_snapshot_runs_first_and_the_webhook_names_the_leaking_code()
    {
        using var receiver = new WebhookReceiver();
        // The snapshot recorder skips a trigger within 30 s of the previous snapshot (here the baseline), so the window
        // is widened to 30 s to make the trigger come later than that.
        var rules = Path.Combine(Path.GetTempPath(), $"leakwatch-e2e-rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(rules, "rules:\n  - name: thread-leak\n    window: 30s\n");
        try
        {
            using var app = await TestApp.StartAsync("thread-leak");
            using var agent = Agent.Attach(app.Pid, "--rules", rules, "--snapshot-baseline", "--max-pause", "30s", "--webhook", receiver.Url);

            using var json = JsonDocument.Parse((await receiver.FirstWithinAsync(TimeSpan.FromSeconds(150))).Body);

            var snapshot = json.RootElement.GetProperty("snapshot");
            Assert.Equal(JsonValueKind.Object, snapshot.ValueKind);
            var top = snapshot.GetProperty("topGrowing").EnumerateArray().First();
            Assert.Equal("Orders.AckWaiter.WaitForAck", top.GetProperty("name").GetString());
            Assert.True(top.GetProperty("delta").GetInt32() >= 20);
            await agent.Metrics.WaitForAsync("leakwatch_snapshots_total", s => s["reason"] == "thread-leak" && s.Value == 1);
        }
        finally
        {
            File.Delete(rules);
        }
    }

    [Fact]
    public async Task A_dead_webhook_is_counted_and_never_delays_detection()
    {
        var deadPort = Agent.FreePort();
        using var app = await TestApp.StartAsync("thread-leak");
        using var agent = Agent.Attach(app.Pid, "--webhook", $"slack=http://127.0.0.1:{deadPort}/nobody-home");
        var pid = app.Pid.ToString(CultureInfo.InvariantCulture);

        await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["rule"] == "thread-leak" && s["pid"] == pid && s.Value == 1, TimeSpan.FromSeconds(90));

        // Four attempts with 1, 2 and 4 s of backoff, then it is counted as failed; the agent keeps serving throughout.
        await agent.Metrics.WaitForAsync("leakwatch_webhook_failures_total", s => s["format"] == "slack" && s.Value == 1, TimeSpan.FromSeconds(90));
        Assert.Contains(agent.Process.StandardOutput, l => l.Contains("slack webhook failed", StringComparison.Ordinal));
        Assert.False(agent.Process.HasExited);
    }
}
