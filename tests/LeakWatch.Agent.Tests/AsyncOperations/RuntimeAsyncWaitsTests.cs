using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Async;
using LeakWatch.Core.Stacks;

namespace LeakWatch.Agent.Tests.AsyncOperations;

public class RuntimeAsyncWaitsTests
{
    private const int Asynchronous = 2;
    private const int Synchronous = 1;
    private static readonly DateTimeOffset At = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_wait_that_never_ends_is_one_pending_runtime_async_operation()
    {
        var (tracker, waits) = New();

        waits.Began(awaitedTask: 2, Asynchronous, chainTask: 3, At); // leaks: its TaskCompletionSource is never set
        waits.Began(awaitedTask: 4, Asynchronous, chainTask: 5, At);
        waits.Ended(4);

        Assert.Equal(1, Pending(tracker));
        Assert.Equal(2, tracker.Snapshot().Methods.Single(m => m.Key == RuntimeAsyncNaming.LiveCountName).Started);
        Assert.Equal(1, waits.Pending);
    }

    [Fact]
    public void Two_chains_awaiting_one_task_resume_one_per_end()
    {
        var (tracker, waits) = New();

        waits.Began(awaitedTask: 10, Asynchronous, chainTask: 11, At);
        waits.Began(awaitedTask: 10, Asynchronous, chainTask: 12, At);
        waits.Ended(10);

        Assert.Equal(1, Pending(tracker));
        waits.Ended(10);
        Assert.Equal(0, Pending(tracker));
    }

    [Fact]
    public void A_chain_that_suspends_again_is_still_one_operation()
    {
        var (tracker, waits) = New();

        waits.Began(awaitedTask: 20, Asynchronous, chainTask: 21, At);
        waits.Ended(20);
        waits.Began(awaitedTask: 22, Asynchronous, chainTask: 21, At);
        // Its end was lost: the next wait of the same chain replaces the earlier one.
        waits.Began(awaitedTask: 23, Asynchronous, chainTask: 21, At);

        Assert.Equal(1, Pending(tracker));
        waits.Ended(22);
        Assert.Equal(1, Pending(tracker));
        waits.Ended(23);
        Assert.Equal(0, Pending(tracker));
    }

    [Fact]
    public void State_machine_awaits_and_blocking_waits_are_not_counted_again()
    {
        var (tracker, waits) = New();
        tracker.Began(30, "<ChargeAsync>d__2", At); // the box's TraceOperationBegin

        waits.Began(awaitedTask: 31, Asynchronous, chainTask: 30, At); // the box awaits
        waits.Began(awaitedTask: 32, Synchronous, chainTask: 0, At); // Task.Wait()
        waits.Ended(31);
        waits.Ended(99); // a wait that began before counting

        Assert.DoesNotContain(tracker.Snapshot().Methods, m => m.Key == RuntimeAsyncNaming.LiveCountName);
        Assert.Equal(1, tracker.Snapshot().Methods.Single(m => m.Key == "<ChargeAsync>d__2").Pending);
    }

    [Fact]
    public void The_waits_are_bounded_like_the_tracker()
    {
        var (_, waits) = New(maxWaits: 1000);

        for (var i = 0; i < 2500; i++)
        {
            waits.Began(awaitedTask: 100_000 + i, Asynchronous, chainTask: 200_000 + i, At);
        }

        Assert.InRange(waits.Pending, 1, 1000);
    }

    [Theory]
    [InlineData(10, "1", true)]
    [InlineData(10, "true", true)]
    [InlineData(10, "0", false)]
    [InlineData(10, null, false)]
    [InlineData(9, null, false)]
    [InlineData(11, null, true)]
    public void Applies_to_runtime_async_targets_only(int major, string? runtimeAsync, bool expected)
    {
        var target = new TargetProcess(1, "app", "dotnet app.dll", new Version(major, 0));
        var environment = runtimeAsync is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["DOTNET_RuntimeAsync"] = runtimeAsync };

        Assert.Equal(expected, RuntimeAsyncWaits.AppliesTo(target, () => environment));
    }

    [Fact]
    public void A_target_whose_environment_cannot_be_read_is_treated_as_state_machine_code() =>
        Assert.False(RuntimeAsyncWaits.AppliesTo(new TargetProcess(1, "app", "", new Version(10, 0)), () => throw new IOException("gone")));

    private static (AsyncOperationTracker Tracker, RuntimeAsyncWaits Waits) New(int maxWaits = 10_000)
    {
        var tracker = new AsyncOperationTracker(new AsyncTrackingOptions(), At);
        return (tracker, new RuntimeAsyncWaits(tracker, maxWaits));
    }

    private static long Pending(AsyncOperationTracker tracker) =>
        tracker.Snapshot().Methods.SingleOrDefault(m => m.Key == RuntimeAsyncNaming.LiveCountName)?.Pending ?? 0;
}
