using System.Text.Json;
using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Rules;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Tests.Actions;

public class WebhookPayloadTests
{
    private static LeakIncident Incident(bool withSnapshot)
    {
        var verdict = new RuleVerdict("thread-leak", RuleKind.Growth, VerdictKind.Fired, 1804, "process_num_threads", LabelSet.Empty,
            new DateTimeOffset(2026, 11, 24, 19, 45, 6, TimeSpan.Zero), 60, 2.075, 2.0, TimeSpan.FromSeconds(20), null, null);
        var trigger = new LeakTrigger(new TargetProcess(1804, "Orders", "dotnet Orders.dll", new Version(10, 0, 12)), verdict);
        return new LeakIncident(trigger, withSnapshot ? new SnapshotHighlights([new GrowingGroup("threads", "Orders.AckWaiter.WaitForAck", 0, 40)], "/tmp/s.txt") : null);
    }

    [Fact]
    public void Generic_json_carries_the_trigger_and_the_snapshot_groups()
    {
        using var json = JsonDocument.Parse(WebhookPayloads.Build(WebhookFormat.Generic, Incident(withSnapshot: true), "host-1"));
        var root = json.RootElement;

        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("thread-leak", root.GetProperty("rule").GetString());
        Assert.Equal("process_num_threads", root.GetProperty("signal").GetString());
        Assert.Equal(1804, root.GetProperty("pid").GetInt32());
        Assert.Equal("Orders", root.GetProperty("processName").GetString());
        Assert.Equal("host-1", root.GetProperty("host").GetString());
        Assert.Equal(2.075, root.GetProperty("slopePerSecond").GetDouble());
        Assert.Equal(20, root.GetProperty("windowSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("threshold").ValueKind);
        var group = Assert.Single(root.GetProperty("snapshot").GetProperty("topGrowing").EnumerateArray());
        Assert.Equal("Orders.AckWaiter.WaitForAck", group.GetProperty("name").GetString());
        Assert.Equal(40, group.GetProperty("delta").GetInt32());
    }

    [Fact]
    public void Generic_json_without_a_snapshot_says_null()
    {
        using var json = JsonDocument.Parse(WebhookPayloads.Build(WebhookFormat.Generic, Incident(withSnapshot: false), "h"));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("snapshot").ValueKind);
    }

    [Fact]
    public void Slack_gets_text()
    {
        using var json = JsonDocument.Parse(WebhookPayloads.Build(WebhookFormat.Slack, Incident(withSnapshot: true), "h"));

        var text = json.RootElement.GetProperty("text").GetString()!;
        Assert.StartsWith("leakwatch: leak suspected in Orders (pid 1804) on h\n", text, StringComparison.Ordinal);
        Assert.Contains("rising +2.075/s over 20s", text, StringComparison.Ordinal);
        Assert.Contains("+40 threads (40) Orders.AckWaiter.WaitForAck", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WebhookFormat.DingTalk)]
    [InlineData(WebhookFormat.WeCom)]
    public void Robots_get_a_text_message(WebhookFormat format)
    {
        using var json = JsonDocument.Parse(WebhookPayloads.Build(format, Incident(withSnapshot: false), "h"));

        Assert.Equal("text", json.RootElement.GetProperty("msgtype").GetString());
        Assert.StartsWith("leakwatch:", json.RootElement.GetProperty("text").GetProperty("content").GetString(), StringComparison.Ordinal);
    }
}
