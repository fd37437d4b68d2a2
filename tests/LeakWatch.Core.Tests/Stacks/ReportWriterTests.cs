using System.Text.Json;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class ReportWriterTests
{
    private static readonly StackSnapshot Sample = new()
    {
        Pid = 4242,
        ProcessName = "Orders",
        TakenAt = new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero),
        DurationMs = 812.34,
        PausedMs = 201.7,
        RuntimeVersion = "10.0.12",
        Threads = new ThreadSection(1003, [
            new ThreadGroup(1000, ["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"]),
            new ThreadGroup(3, ["System.Threading.Monitor.Wait", "Inventory.Locks.WaitForLock"]),
        ]),
        Tasks = new TaskSection(30000, [
            new TaskChainGroup(10000, ["TaskCompletionSource.Task", "Payments.Gateway.AwaitSettlementAsync (state 0)", "Payments.Gateway.ChargeAsync (state 0)"]),
        ]),
    };

    [Fact]
    public void Json_has_the_documented_shape()
    {
        using var document = JsonDocument.Parse(ReportWriter.ToText(Sample, ReportFormat.Json));
        var root = document.RootElement;
        Assert.Equal(4242, root.GetProperty("pid").GetInt32());
        Assert.Equal("Orders", root.GetProperty("processName").GetString());
        Assert.Equal(Sample.TakenAt, root.GetProperty("takenAt").GetDateTimeOffset());
        Assert.Equal(812.3, root.GetProperty("durationMs").GetDouble());
        Assert.Equal(201.7, root.GetProperty("pausedMs").GetDouble());
        Assert.False(root.GetProperty("partial").GetBoolean());
        Assert.Equal(1003, root.GetProperty("threads").GetProperty("total").GetInt32());
        var group = root.GetProperty("threads").GetProperty("groups")[0];
        Assert.Equal(1000, group.GetProperty("count").GetInt32());
        Assert.Equal("System.Threading.ManualResetEventSlim.Wait", group.GetProperty("frames")[0].GetString());
        Assert.Equal(30000, root.GetProperty("tasks").GetProperty("pending").GetInt32());
        Assert.Equal("TaskCompletionSource.Task", root.GetProperty("tasks").GetProperty("groups")[0].GetProperty("chain")[0].GetString());
    }

    [Fact]
    public void Json_round_trips()
    {
        var parsed = JsonReportWriter.Parse(ReportWriter.ToText(Sample, ReportFormat.Json));
        Assert.Equal(Sample.Threads.Groups.Select(g => (g.Count, string.Join('|', g.Frames))), parsed.Threads.Groups.Select(g => (g.Count, string.Join('|', g.Frames))));
        Assert.Equal(Sample.Tasks.Groups[0].Chain, parsed.Tasks.Groups[0].Chain);
        Assert.Equal(Sample.TakenAt, parsed.TakenAt);
    }

    [Fact]
    public void Folded_lines_are_outermost_first_with_a_count()
    {
        var lines = ReportWriter.ToText(Sample, ReportFormat.Folded).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "[threads];Orders.AckWaiter.WaitForAck;System.Threading.ManualResetEventSlim.Wait 1000",
                "[threads];Inventory.Locks.WaitForLock;System.Threading.Monitor.Wait 3",
                "[tasks];Payments.Gateway.ChargeAsync_(state_0);Payments.Gateway.AwaitSettlementAsync_(state_0);TaskCompletionSource.Task 10000",
            ],
            lines);
    }

    [Fact]
    public void Speedscope_has_shared_frames_and_weighted_samples()
    {
        using var document = JsonDocument.Parse(ReportWriter.ToText(Sample, ReportFormat.Speedscope));
        var root = document.RootElement;
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", root.GetProperty("$schema").GetString());
        var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        var threads = root.GetProperty("profiles")[0];
        Assert.Equal("sampled", threads.GetProperty("type").GetString());
        Assert.Equal(1003, threads.GetProperty("endValue").GetInt32());
        Assert.Equal([1000, 3], threads.GetProperty("weights").EnumerateArray().Select(w => w.GetInt32()));
        var firstSample = threads.GetProperty("samples")[0].EnumerateArray().Select(i => frames[i.GetInt32()]).ToList();
        Assert.Equal(["Orders.AckWaiter.WaitForAck", "System.Threading.ManualResetEventSlim.Wait"], firstSample);
    }

    [Fact]
    public void Text_leads_with_counts_and_headlines()
    {
        var text = ReportWriter.ToText(Sample with { Partial = true, PartialReason = "pause budget of 1s spent" }, ReportFormat.Text);
        Assert.Contains("Orders (pid 4242, .NET 10.0.12)", text, StringComparison.Ordinal);
        Assert.Contains("PARTIAL: pause budget of 1s spent", text, StringComparison.Ordinal);
        Assert.Contains("   1000  Orders.AckWaiter.WaitForAck", text, StringComparison.Ordinal);
        Assert.Contains("  10000  Payments.Gateway.AwaitSettlementAsync awaiting TaskCompletionSource.Task", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_keeps_the_largest_groups_and_the_totals()
    {
        var top = ReportWriter.Top(Sample, 1);
        Assert.Single(top.Threads.Groups);
        Assert.Equal(1003, top.Threads.Total);
    }
}
