using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

/// <summary>Which growth leads: the trigger's kind first, idle runtime threads only when they grew the most.</summary>
public class SnapshotDiffLeadTests
{
    private static readonly string[] IdleWorker = ["System.Threading.LowLevelLifoSemaphore.Wait", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart"];
    private static readonly string[] AckWait = ["System.Threading.ManualResetEventSlim.Wait", "Orders.AckWaiter.WaitForAck"];

    public static TheoryData<string, string> FirstHeadlineByTrigger => new()
    {
        { "timer-leak", "+447 timers calling Notifications.Reminders.SendReminder every 1s (now 450)" },
        { "fd-leak", "+150 files /tmp/tmp*.tmp (now 160)" },
        { "heap-growth", "+12000 Orders.PriceSubscriber (+240 MB, now 14000)" },
        { "thread-leak", "+3 threads in Orders.AckWaiter.WaitForAck (now 3)" },
        // No kind: the largest growth that is not idle runtime infrastructure; heap types come last.
        { "manual", "+447 timers calling Notifications.Reminders.SendReminder every 1s (now 450)" },
    };

    [Theory]
    [MemberData(nameof(FirstHeadlineByTrigger))]
    public void The_trigger_kind_leads(string reason, string first)
    {
        var diff = SnapshotDiff.Compare(Before(), Now(idleWorkers: 6), SnapshotDiff.LeadFor(reason));

        Assert.Equal(first, diff.Headlines(1).Single());
        Assert.DoesNotContain(diff.All, g => g.IdleRole is not null);
    }

    [Fact]
    public void Idle_runtime_threads_are_a_headline_only_when_they_grew_the_most()
    {
        var before = Before() with { Timers = null, Descriptors = null, Heap = null };
        var now = Now(idleWorkers: 40) with { Timers = null, Descriptors = null, Heap = null };

        var diff = SnapshotDiff.Compare(before, now, lead: null);

        Assert.Equal(
            ["+40 threads in System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart (now 40)", "+3 threads in Orders.AckWaiter.WaitForAck (now 3)"],
            diff.Headlines(5));
    }

    [Fact]
    public void A_heap_trigger_leads_with_the_apps_type_before_the_framework_arrays_it_holds()
    {
        var before = Before() with { Heap = new HeapSection(10, 1 << 20, [new HeapTypeCount("System.Decimal[]", 100, 1L << 20), new HeapTypeCount("Pricing.QuoteSubscriber", 100, 4000)]) };
        var now = Before() with { Heap = new HeapSection(10, 1 << 20, [new HeapTypeCount("System.Decimal[]", 4300, 68L << 20), new HeapTypeCount("Pricing.QuoteSubscriber", 4300, 172000)]) };

        var diff = SnapshotDiff.Compare(before, now, SnapshotDiff.LeadFor("heap-leak"));

        Assert.Equal(["+4200 Pricing.QuoteSubscriber (+164 KB, now 4300)", "+4200 System.Decimal[] (+67 MB, now 4300)"], diff.Headlines(2));
    }

    [Theory]
    [InlineData("System.Decimal[]", true)]
    [InlineData("System.String", true)]
    [InlineData("System.Collections.Generic.List<Orders.Line>", true)]
    [InlineData("System.Byte[][]", true)]
    [InlineData("System.Int32[,]", true)]
    [InlineData("Microsoft.Extensions.Caching.Memory.CacheEntry", true)]
    [InlineData("Free", true)]
    [InlineData("Orders.PriceSubscriber", false)]
    [InlineData("Orders.Line[]", false)]
    [InlineData("Pricing.QuoteSubscriber+History", false)]
    [InlineData("SystemsIntegration.Client", false)]
    public void Framework_types_are_told_from_the_apps(string type, bool framework) => Assert.Equal(framework, HeapTypeNames.IsFramework(type));

    [Theory]
    [InlineData("thread-leak", SnapshotDiff.ThreadsKind)]
    [InlineData("threadpool-starvation", SnapshotDiff.ThreadsKind)]
    [InlineData("task-leak", SnapshotDiff.TasksKind)]
    [InlineData("timer-leak", SnapshotDiff.TimersKind)]
    [InlineData("fd-leak", SnapshotDiff.DescriptorsFamily)]
    [InlineData("heap-leak", SnapshotDiff.ObjectsKind)]
    [InlineData("manual", null)]
    [InlineData("baseline", null)]
    public void The_lead_comes_from_the_rule_name(string reason, string? lead) => Assert.Equal(lead, SnapshotDiff.LeadFor(reason));

    private static StackSnapshot Before() => new()
    {
        Pid = 42,
        ProcessName = "Orders",
        TakenAt = DateTimeOffset.UnixEpoch,
        Timers = new TimerSection(3, [new TimerGroup(3, "Notifications.Reminders.SendReminder", 1000)]),
        Descriptors = new DescriptorSection(10, [new DescriptorGroup(10, "files", "/tmp/tmp*.tmp")]),
        Heap = new HeapSection(1000, 1 << 20, [new HeapTypeCount("Orders.PriceSubscriber", 2000, 40L << 20), new HeapTypeCount("System.String", 90000, 8L << 20)]),
    };

    private static StackSnapshot Now(int idleWorkers) => Before() with
    {
        Threads = new ThreadSection(idleWorkers + 3, [new ThreadGroup(idleWorkers, IdleWorker), new ThreadGroup(3, AckWait)]),
        Timers = new TimerSection(450, [new TimerGroup(450, "Notifications.Reminders.SendReminder", 1000)]),
        Descriptors = new DescriptorSection(160, [new DescriptorGroup(160, "files", "/tmp/tmp*.tmp")]),
        Heap = new HeapSection(100000, 300L << 20, [new HeapTypeCount("Orders.PriceSubscriber", 14000, 280L << 20), new HeapTypeCount("System.String", 99000, 9L << 20)]),
    };
}
