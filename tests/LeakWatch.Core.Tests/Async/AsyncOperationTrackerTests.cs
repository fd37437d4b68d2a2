using LeakWatch.Core.Async;

namespace LeakWatch.Core.Tests.Async;

public class AsyncOperationTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static AsyncOperationTracker NewTracker(int maxTracked = 10_000) =>
        new(new AsyncTrackingOptions { MaxTrackedOperations = maxTracked }, Start);

    private static AsyncMethodCount? CountOf(AsyncOperationTracker tracker, string key) =>
        tracker.Snapshot().Methods.SingleOrDefault(m => m.Key == key);

    public static TheoryData<string, string, long, long, long> Sequences => new()
    {
        // events ("b id key" begin, "e id" end, "a key" abandoned), key to look at, expected pending, started, untracked ends
        { "b 1 A", "A", 1, 1, 0 },
        { "b 1 A; e 1", "A", 0, 1, 0 },
        { "b 1 A; b 2 A; b 3 A; e 2", "A", 2, 3, 0 },
        { "e 7; b 1 A", "A", 1, 1, 1 },                 // an end without its begin began before tracking: ignored
        { "b 1 A; e 1; e 1", "A", 0, 1, 1 },            // a second end of the same id is not counted twice
        { "b 1 A; b 1 B", "A", 0, 1, 0 },               // a reused task id: the earlier operation is gone
        { "b 1 A; b 1 B", "B", 1, 1, 0 },
        { "b 1 A; b 2 A; a A", "A", 1, 2, 0 },          // finalised unfinished: no longer pending
        { "b 1 A; a A; a A; a A", "A", 0, 1, 0 },       // never below zero
        { "b 1 A; b 2 B; e 2", "B", 0, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Counts_pending_and_started_per_key(string events, string key, long pending, long started, long untrackedEnds)
    {
        var tracker = NewTracker();
        foreach (var step in events.Split(';', StringSplitOptions.TrimEntries))
        {
            var parts = step.Split(' ');
            switch (parts[0])
            {
                case "b":
                    tracker.Began(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2], Start);
                    break;
                case "e":
                    tracker.Ended(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "a":
                    tracker.Abandoned(parts[1]);
                    break;
            }
        }

        Assert.Equal((pending, started), (CountOf(tracker, key)!.Pending, CountOf(tracker, key)!.Started));
        Assert.Equal(untrackedEnds, tracker.Snapshot().UntrackedEnds);
    }

    [Fact]
    public void A_reset_forgets_counts_and_says_why()
    {
        var tracker = NewTracker();
        tracker.Began(1, "A", Start);
        var later = Start.AddMinutes(5);

        tracker.Reset(TrackingResetReason.EventsLost, later);
        tracker.Ended(1); // its begin was forgotten: untracked now

        var snapshot = tracker.Snapshot();
        Assert.Empty(snapshot.Methods);
        Assert.Equal(later, snapshot.Since);
        Assert.Equal(1, snapshot.Generation);
        Assert.Equal(TrackingResetReason.EventsLost, snapshot.LastReset);
        Assert.Equal(1, snapshot.Resets[TrackingResetReason.EventsLost]);
        Assert.Equal(1, snapshot.UntrackedEnds);
    }

    [Fact]
    public void Reaching_the_tracking_limit_resets_instead_of_growing()
    {
        var tracker = NewTracker(maxTracked: 1000);
        for (var id = 1; id <= 1000; id++)
        {
            Assert.True(tracker.Began(id, "Leak", Start));
        }

        Assert.False(tracker.Began(1001, "Leak", Start.AddSeconds(1)));
        Assert.Equal(TrackingResetReason.TrackingLimit, tracker.Snapshot().LastReset);
        Assert.Empty(tracker.Snapshot().Methods);
    }

    [Fact]
    public void Reassigning_moves_a_pending_operation_to_a_more_precise_key()
    {
        var tracker = NewTracker();
        tracker.Began(1, "<DupAsync>d__1", Start);
        tracker.Began(2, "<DupAsync>d__1", Start);

        tracker.Reassign(2, "Shipping.Labels+<DupAsync>d__1");
        tracker.Ended(2);

        Assert.Equal(new AsyncMethodCount("<DupAsync>d__1", 1, 1), CountOf(tracker, "<DupAsync>d__1"));
        Assert.Equal(new AsyncMethodCount("Shipping.Labels+<DupAsync>d__1", 0, 1), CountOf(tracker, "Shipping.Labels+<DupAsync>d__1"));
    }

    [Fact]
    public void A_precise_key_learnt_before_the_begin_arrives_is_used_for_that_begin()
    {
        var tracker = NewTracker();
        tracker.Reassign(7, "Billing.Invoices+<DupAsync>d__1"); // the stack-walked stream was faster

        tracker.Began(7, "<DupAsync>d__1", Start);
        tracker.Began(8, "<DupAsync>d__1", Start);

        Assert.Equal(1, CountOf(tracker, "Billing.Invoices+<DupAsync>d__1")!.Pending);
        Assert.Equal(1, CountOf(tracker, "<DupAsync>d__1")!.Pending);
    }

    [Fact]
    public void Calibrating_adds_operations_that_began_before_tracking()
    {
        var tracker = NewTracker();
        tracker.Began(1, "A", Start);
        tracker.Began(2, "A", Start);

        tracker.Calibrate("A", absolutePending: 50); // a heap snapshot saw 50, 48 of which began before attach
        tracker.Began(3, "A", Start);
        tracker.Ended(1);

        Assert.Equal(50, CountOf(tracker, "A")!.Pending);
    }
}
