using System.Globalization;
using System.Text.Json;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>
/// Every trigger names its culprit: with the default rules and the default baseline, the snapshot each kind of leak
/// triggers leads with its culprit (the blocking method, the suspended async method, the timers' callback, each with
/// its source line; the descriptors' pattern; the app's type on the heap), and its heap histogram shows the managed
/// objects behind them. One target per kind; each test waits for its own rule.
/// </summary>
public class CulpritHeadlineTests
{
    [Fact]
    public async Task A_thread_leak_leads_with_the_blocking_method_and_its_line()
    {
        var (headline, text, _) = await TriggeredSnapshotAsync("thread-leak", "thread-leak", "--rate", "20");

        Assert.Matches(@"^\+\d+ threads in Orders\.AckWaiter\.WaitForAck \(AckWaiter\.cs:\d+, now \d+\)", headline);
        Assert.Matches(@"Orders\.AckWaiter\.WaitForAck \(AckWaiter\.cs:\d+\)", text);
    }

    [Fact]
    public async Task A_task_leak_leads_with_the_suspended_method_and_the_line_of_its_await()
    {
        var (headline, text, _) = await TriggeredSnapshotAsync("task-leak", "task-leak", "--rate", "40");

        Assert.Matches(@"^\+\d+ tasks in Payments\.Gateway\.AwaitSettlementAsync \(Gateway\.cs:\d+\) awaiting TaskCompletionSource\.Task \(now \d+\)", headline);
        Assert.Matches(@"Payments\.Gateway\.AuthorizeAsync \(state 1\) \(Gateway\.cs:\d+\)", text);
    }

    [Fact]
    public async Task A_timer_leak_leads_with_the_callback_and_its_line()
    {
        var (headline, text, json) = await TriggeredSnapshotAsync("timer-leak", "timer-leak", "--rate", "40");

        Assert.Matches(@"^\+\d+ timers calling Notifications\.Reminders\.SendReminder every 1m \(Reminders\.cs:\d+, now \d+\)", headline);
        Assert.Matches(@"calling Notifications\.Reminders\.SendReminder every 1m \(Reminders\.cs:\d+\)", text);
        Assert.True(HeapCount(json, "System.Threading.TimerQueueTimer") >= 100, "the heap histogram does not show the timers");
    }

    [Fact]
    public async Task An_fd_leak_leads_with_the_file_pattern()
    {
        var (headline, _, json) = await TriggeredSnapshotAsync("fd-leak", "fd-leak", "--rate", "20");

        Assert.Matches(@"^\+\d+ files /tmp/leakwatch-testapp-\*/segment-\*\.log \(now \d+\)", headline);
        // The managed owners of the descriptors, by type, from the heap histogram.
        Assert.True(HeapCount(json, "Microsoft.Win32.SafeHandles.SafeFileHandle") >= 100, "the heap histogram does not show the file handles");
    }

    [Fact]
    public async Task A_heap_leak_leads_with_the_type_that_grows()
    {
        // The built-in heap-leak rule judges 5 minutes; the same rule over 40 s (a rules-file override of its window)
        // fires on the same leak within a test's patience, and is still the heap-leak rule, so it leads with objects.
        var rules = Path.Combine(Path.GetTempPath(), $"leakwatch-e2e-heap-rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(rules, """
            rules:
              - name: heap-leak
                window: 40s
                slices: 4
            """);
        try
        {
            var (headline, _, json) = await TriggeredSnapshotAsync("heap-leak", "heap-leak", ["--rate", "100"], ["--rules", rules]);

            Assert.Matches(@"^\+\d+ Pricing\.QuoteSubscriber \(\+[\d.]+ [KMG]?B, now \d+\)", headline);
            Assert.True(HeapCount(json, "Pricing.QuoteSubscriber") >= 100, "the heap histogram does not show the subscribers");
        }
        finally
        {
            File.Delete(rules);
        }
    }

    /// <summary>Attaches with the defaults, waits for <paramref name="rule"/> to fire, and returns the snapshot's first headline, its text and JSON.</summary>
    private static Task<(string Headline, string Text, JsonElement Json)> TriggeredSnapshotAsync(string scenario, string rule, params string[] arguments) =>
        TriggeredSnapshotAsync(scenario, rule, arguments, []);

    private static async Task<(string Headline, string Text, JsonElement Json)> TriggeredSnapshotAsync(string scenario, string rule, string[] arguments, string[] agentArguments)
    {
        using var app = await TestApp.StartAsync(scenario, TestApp.Net10, arguments);
        var directory = Path.Combine(Path.GetTempPath(), $"leakwatch-e2e-culprit-{Guid.NewGuid():N}");
        try
        {
            using var agent = Agent.Attach(app.Pid, ["--snapshot-dir", directory, "--max-pause", "30s", "--output", "lines", .. agentArguments]);
            var pid = app.Pid.ToString(CultureInfo.InvariantCulture);
            await agent.Metrics.WaitForAsync("leakwatch_snapshots_total", s => s["reason"] == "baseline" && s["pid"] == pid, TimeSpan.FromSeconds(90));
            await agent.Metrics.WaitForAsync("leakwatch_snapshots_total", s => s["reason"] == rule && s["pid"] == pid, TimeSpan.FromSeconds(180));

            var file = Directory.GetFiles(directory, $"*-{rule}.txt").Single();
            var text = await File.ReadAllTextAsync(file);
            var lines = text.Split('\n');
            Assert.StartsWith("Grew since the snapshot at ", lines[0], StringComparison.Ordinal);
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(file, ".json")));
            Assert.Equal(2, document.RootElement.GetProperty("version").GetInt32());
            Assert.Contains(await agent.Metrics.ScrapeAsync(), s => s.Name == "leakwatch_heap_type_bytes" && s["pid"] == pid && s.Value > 0);
            await TargetChecks.AssertStillRunningAsync(app);
            return (lines[1].Trim(), text, document.RootElement.Clone());
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static int HeapCount(JsonElement snapshot, string type) =>
        snapshot.GetProperty("heap").GetProperty("types").EnumerateArray()
            .Where(t => t.GetProperty("type").GetString() == type)
            .Sum(t => t.GetProperty("count").GetInt32());
}
