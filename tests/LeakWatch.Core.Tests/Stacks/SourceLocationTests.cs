using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

/// <summary>Source locations ride along with frames ("name\tFile.cs:42") through grouping, the diff and every format.</summary>
public class SourceLocationTests
{
    private static readonly string?[] Raw =
    [
        "[HelperMethodFrame]",
        "System.Threading.Monitor.Wait(System.Object, Int32)",
        "System.Threading.ManualResetEventSlim.Wait()",
        "Orders.AckWaiter.WaitForAck\tAckWaiter.cs:48",
        "Orders.Dispatcher.Run\tDispatcher.cs:12",
        "System.Threading.Thread.StartCallback()",
    ];

    [Fact]
    public void Locations_follow_their_frames_through_normalisation()
    {
        var (frames, locations) = FrameNormalizer.NormalizeWithLocations(Raw);

        Assert.Equal(["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck", "Orders.Dispatcher.Run"], frames);
        Assert.Equal([null, "AckWaiter.cs:48", "Dispatcher.cs:12"], locations!);
    }

    [Fact]
    public void Without_locations_frames_are_as_before()
    {
        var (frames, locations) = FrameNormalizer.NormalizeWithLocations(["Orders.AckWaiter.WaitForAck()"]);

        Assert.Equal(["Orders.AckWaiter.WaitForAck"], frames);
        Assert.Null(locations);
    }

    [Fact]
    public void Threads_parked_on_different_lines_are_different_groups()
    {
        var section = StackGrouper.GroupThreads([Raw, Raw, ["Orders.AckWaiter.WaitForAck\tAckWaiter.cs:60"]]);

        Assert.Equal([2, 1], section.Groups.Select(g => g.Count));
        Assert.Equal("AckWaiter.cs:48", section.Groups[0].HeadlineLocation);
    }

    [Fact]
    public void Every_format_shows_the_line()
    {
        var snapshot = new StackSnapshot
        {
            Pid = 42,
            ProcessName = "Orders",
            TakenAt = DateTimeOffset.UnixEpoch,
            Threads = StackGrouper.GroupThreads([Raw]),
            Timers = new TimerSection(5, [new TimerGroup(5, "Notifications.Reminders.SendReminder", 60_000) { Location = "Reminders.cs:28" }]),
        };

        var text = ReportWriter.ToText(snapshot, ReportFormat.Text);
        Assert.Contains("1  Orders.AckWaiter.WaitForAck (AckWaiter.cs:48)", text, StringComparison.Ordinal);
        Assert.Contains("calling Notifications.Reminders.SendReminder every 1m (Reminders.cs:28)", text, StringComparison.Ordinal);

        var json = ReportWriter.ToText(snapshot, ReportFormat.Json);
        Assert.Contains("\"version\": 2", json, StringComparison.Ordinal);
        var parsed = JsonReportWriter.Parse(json);
        Assert.Equal(snapshot.Threads.Groups[0].Locations, parsed.Threads.Groups[0].Locations);
        Assert.Equal("Reminders.cs:28", parsed.Timers!.Groups[0].Location);

        var speedscope = ReportWriter.ToText(snapshot, ReportFormat.Speedscope);
        Assert.Contains("{\"name\":\"Orders.AckWaiter.WaitForAck\",\"file\":\"AckWaiter.cs\",\"line\":48}", speedscope, StringComparison.Ordinal);

        var growth = SnapshotDiff.Compare(null, snapshot, SnapshotDiff.ThreadsKind);
        Assert.Equal("+1 threads in Orders.AckWaiter.WaitForAck (AckWaiter.cs:48, now 1)", growth.Headlines(1).Single());
        Assert.Equal("AckWaiter.cs:48", growth.All.First().Location);
        Assert.Equal("+5 timers calling Notifications.Reminders.SendReminder every 1m (Reminders.cs:28, now 5)", SnapshotDiff.Compare(null, snapshot, SnapshotDiff.TimersKind).Headlines(1).Single());
    }

    [Fact]
    public void A_version_1_file_still_parses()
    {
        const string v1 = """{"pid":1,"processName":"a","takenAt":"2026-01-01T00:00:00Z","durationMs":1,"pausedMs":1,"partial":false,"threads":{"total":1,"groups":[{"count":1,"frames":["A.B"]}]},"tasks":{"pending":0,"groups":[]}}""";

        var parsed = JsonReportWriter.Parse(v1);

        Assert.Null(parsed.Threads.Groups[0].Locations);
        Assert.Null(parsed.Heap);
        Assert.Null(parsed.Timers);
        Assert.Null(parsed.Descriptors);
    }
}
