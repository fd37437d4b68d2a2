using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

/// <summary>Idle runtime threads, from real snapshots of the test app (TestData/stacks-*.json, `leakwatch stacks --format json`).</summary>
public class RuntimeThreadsTests
{
    public static TheoryData<string, string, string?> RealStacks => new()
    {
        // snapshot, the group's headline, its idle role (null: not runtime infrastructure)
        { "noisy", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart", RuntimeThreads.ThreadPoolWorker },
        { "noisy", "System.Threading.Thread.YieldInternal", RuntimeThreads.ThreadPoolWorker },
        { "noisy", "[Native]", RuntimeThreads.Native },
        { "noisy", "System.Threading.PortableThreadPool+GateThread.GateThreadStart", "thread-pool gate thread" },
        { "noisy", "System.Threading.TimerQueue.TimerThread", "timer thread" },
        { "noisy", "Frontend.Traffic.RunShortJob", null },
        { "noisy", "Program.<Main>", null },
        { "thread-leak", "Orders.AckWaiter.WaitForAck", null },
        { "thread-leak", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart", RuntimeThreads.ThreadPoolWorker },
        { "timer-leak", "System.Threading.TimerQueue.TimerThread", "timer thread" },
    };

    [Theory]
    [MemberData(nameof(RealStacks))]
    public void Real_runtime_threads_are_told_from_application_threads(string snapshot, string headline, string? role)
    {
        var parsed = JsonReportWriter.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Stacks", "TestData", $"stacks-{snapshot}.json")));
        var groups = parsed.Threads.Groups.Where(g => g.Headline == headline).ToList();

        Assert.NotEmpty(groups);
        Assert.All(groups, g => Assert.Equal(role, RuntimeThreads.IdleRole(g.Frames)));
    }

    public static TheoryData<string[], string?> Stacks => new()
    {
        // A worker running the app's code is not idle, whatever it waits on.
        { ["System.Threading.Monitor.Wait", "Orders.Cache.Refresh", "System.Threading.ThreadPoolWorkQueue.Dispatch", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart"], null },
        { ["System.Threading.LowLevelLifoSemaphore.Wait", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart"], RuntimeThreads.ThreadPoolWorker },
        { ["System.GC.RunFinalizers"], "finalizer" },
        { ["System.Net.Sockets.SocketAsyncEngine.EventLoop"], "socket event loop" },
        { ["System.Threading.WaitHandle.WaitOneNoCheck", "System.Diagnostics.Tracing.CounterGroup.PollForValues"], "EventCounters thread" },
        // Framework code on a thread the app started is the app's thread.
        { ["System.Threading.Monitor.Wait", "System.Collections.Concurrent.BlockingCollection.TryTake"], null },
        { [], RuntimeThreads.Native },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Only_runtime_entry_points_without_application_frames_are_idle(string[] frames, string? role) =>
        Assert.Equal(role, RuntimeThreads.IdleRole(frames));
}
