namespace LeakWatch.Agent.Tests;

public sealed class IntervalClockTests
{
    // The timer never fires within a test: the tests tick the clock themselves.
    private static IntervalClock Clock() => new(TimeSpan.FromHours(1), TimeProvider.System);

    [Fact]
    public async Task One_tick_releases_every_waiting_loop()
    {
        using var clock = Clock();
        var first = clock.WaitForNextTickAsync();
        var second = clock.WaitForNextTickAsync();
        Assert.False(first.IsCompleted);

        clock.Tick();

        Assert.True(await first);
        Assert.True(await second);
    }

    [Fact]
    public void A_loop_that_comes_after_a_tick_waits_for_the_next_one()
    {
        using var clock = Clock();
        clock.Tick();

        var late = clock.WaitForNextTickAsync();

        Assert.False(late.IsCompleted);
        clock.Tick();
        Assert.True(late.IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a cancellable wait goes through Task.WaitAsync: still inline
    public async Task Waiting_loops_run_inline_on_the_ticking_thread(bool cancellable)
    {
        using var clock = Clock();
        using var cancel = new CancellationTokenSource();
        var ranOn = -1;
        async Task LoopAsync()
        {
            await clock.WaitForNextTickAsync(cancellable ? cancel.Token : CancellationToken.None).ConfigureAwait(false);
            ranOn = Environment.CurrentManagedThreadId;
        }

        var loop = LoopAsync(); // runs on this thread up to its await

        // Ticked from a pool thread, as the timer does: xUnit's own synchronization context forbids inlining here.
        var tickedOn = await Task.Run(() =>
        {
            clock.Tick();
            return Environment.CurrentManagedThreadId;
        });

        Assert.True(loop.IsCompletedSuccessfully);
        Assert.Equal(tickedOn, ranOn);
    }

    [Fact]
    public async Task Cancelling_a_wait_throws_and_leaves_the_others_waiting()
    {
        using var clock = Clock();
        using var cancel = new CancellationTokenSource();
        var cancelled = clock.WaitForNextTickAsync(cancel.Token);
        var other = clock.WaitForNextTickAsync();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(other.IsCompleted);
    }

    [Fact]
    public async Task Disposing_ends_the_waits_with_false()
    {
        var clock = Clock();
        var waiting = clock.WaitForNextTickAsync();

        clock.Dispose();

        Assert.False(await waiting);
        Assert.False(await clock.WaitForNextTickAsync());
        clock.Tick(); // after disposal a tick does nothing
    }

    [Fact]
    public void Rejects_an_interval_of_zero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntervalClock(TimeSpan.Zero, TimeProvider.System));
}
