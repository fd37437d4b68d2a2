using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Tests.Support;
using LeakWatch.Core;
using static LeakWatch.Agent.Tests.Support.FakeIncidents;

namespace LeakWatch.Agent.Tests.Actions;

/// <summary>The background loop behind triggers: the snapshot first, then every action, each on its own.</summary>
public class LeakActionRunnerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_snapshot_runs_first_then_each_action_in_order_with_the_same_incident()
    {
        var log = new List<string>();
        var snapshots = new ScriptedSnapshots(new ManualTime()) { Waiters = 40 };
        var first = new RecordingAction("first", log);
        var second = new RecordingAction("second", log);
        await using var runner = new LeakActionRunner(Evidence(snapshots), [first, second], new AgentHealth(), Generous);

        Assert.True(runner.TryEnqueue(Trigger()));
        await Eventually.TrueAsync(() => second.Incidents.Count == 1, () => $"the actions ran: {string.Join(", ", log)}");

        Assert.Equal(["snapshot 1804"], snapshots.Calls);
        Assert.Equal(["first thread-leak", "second thread-leak"], log);
        Assert.Same(first.Incidents[0], second.Incidents[0]);
        var top = first.Incidents[0].Snapshot!.TopGrowing[0];
        Assert.Equal(("threads", "Orders.AckWaiter.WaitForAck", 40), (top.Kind, top.Name, top.Delta));
    }

    public static TheoryData<string, Func<CancellationToken, Task>, string> Failures => new()
    {
        { "throws", _ => throw new InvalidOperationException("receiver said 500"), "receiver said 500" },
        { "faults", _ => Task.FromException(new HttpRequestException("connection refused")), "connection refused" },
        { "never ends", token => Task.Delay(Timeout.Infinite, token), "timed out" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task An_action_that_fails_is_counted_and_the_ones_after_it_still_run(string how, Func<CancellationToken, Task> failing, string said)
    {
        var log = new List<string>();
        var health = new AgentHealth();
        var after = new RecordingAction("after", log);
        var messages = new List<string>();
        await using var runner = new LeakActionRunner(null, [new FailingAction("webhook", failing), after], health, TimeSpan.FromMilliseconds(200));
        runner.Message += line => { lock (messages) { messages.Add(line); } };

        runner.TryEnqueue(Trigger());
        await Eventually.TrueAsync(() => after.Incidents.Count == 1, () => $"{how}: the action after the failing one did not run");

        Assert.Equal(1, health.Errors["leak_action_webhook_failed"]);
        lock (messages)
        {
            var line = Assert.Single(messages);
            Assert.StartsWith("leakwatch: the webhook action for rule 'thread-leak' failed: ", line, StringComparison.Ordinal);
            Assert.Contains(said, line, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_failed_snapshot_leaves_the_incident_without_one_and_the_actions_run()
    {
        var health = new AgentHealth();
        var snapshots = new ScriptedSnapshots(new ManualTime()) { Failure = new LeakWatchException(ExitCode.TargetExited, "pid 1804 exited during the snapshot") };
        var action = new RecordingAction("webhook", []);
        await using var runner = new LeakActionRunner(Evidence(snapshots), [action], health, Generous);

        runner.TryEnqueue(Trigger());
        await Eventually.TrueAsync(() => action.Incidents.Count == 1, () => "the webhook did not run after a failed snapshot");

        Assert.Null(action.Incidents[0].Snapshot);
        Assert.Equal(1, health.Errors["leak_action_snapshot_failed"]);
    }

    [Fact]
    public async Task Triggers_past_the_queue_are_dropped_and_counted_while_an_action_is_busy()
    {
        var health = new AgentHealth();
        var busy = new BlockingAction();
        await using var runner = new LeakActionRunner(null, [busy], health, Generous);

        Assert.True(runner.TryEnqueue(Trigger()));
        await busy.Started.Task.WaitAsync(Generous);
        for (var i = 0; i < LeakActionRunner.QueueCapacity; i++)
        {
            Assert.True(runner.TryEnqueue(Trigger()), $"trigger {i + 2} did not fit in the queue");
        }

        Assert.False(runner.TryEnqueue(Trigger()));
        Assert.Equal(1, health.Errors["leak_actions_dropped"]);
        busy.Release.SetResult();
    }

    [Fact]
    public async Task Without_snapshot_or_actions_a_trigger_is_accepted_and_nothing_runs()
    {
        await using var runner = new LeakActionRunner(null, [], new AgentHealth(), Generous);

        Assert.False(runner.HasWork);
        Assert.True(runner.TryEnqueue(Trigger()));
    }

    private static SnapshotEvidence Evidence(ScriptedSnapshots snapshots) =>
        new(new SnapshotRecorder(snapshots, new SnapshotRecorderOptions(), null, Fakes.PidModeLabels(), new ManualTime()));

    private sealed class RecordingAction(string name, List<string> log) : ILeakAction
    {
        public string Name => name;

        public List<LeakIncident> Incidents { get; } = [];

        public Task RunAsync(LeakIncident incident, CancellationToken cancellation)
        {
            lock (log)
            {
                log.Add($"{name} {incident.Trigger.Rule}");
            }

            Incidents.Add(incident);
            return Task.CompletedTask;
        }
    }

    private sealed class FailingAction(string name, Func<CancellationToken, Task> run) : ILeakAction
    {
        public string Name => name;

        public Task RunAsync(LeakIncident incident, CancellationToken cancellation) => run(cancellation);
    }

    private sealed class BlockingAction : ILeakAction
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "busy";

        public async Task RunAsync(LeakIncident incident, CancellationToken cancellation)
        {
            Started.TrySetResult();
            await Release.Task.WaitAsync(cancellation);
        }
    }
}
