using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Rules;
using LeakWatch.Agent.Targets;
using LeakWatch.Agent.Tests.Support;
using LeakWatch.Core.Rules;
using static LeakWatch.Agent.Tests.Support.Fakes;

namespace LeakWatch.Agent.Tests.Rules;

/// <summary>Samples in, triggers out: the rule engine behind the agent, per target, with its series and the throttle.</summary>
public class RuleEvaluationSinkTests
{
    private const string Threads = "process_num_threads";

    private static readonly RuleOptions TooManyThreads = new()
    {
        Name = "too-many-threads",
        Kind = RuleKind.Threshold,
        Series = Threads,
        Above = 500,
        For = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task A_target_above_the_threshold_triggers_for_itself_and_the_other_target_does_not()
    {
        var rig = new Rig();

        rig.Feed(Orders, 0, 30, _ => 600);
        rig.Feed(Billing, 0, 30, _ => 100);

        var trigger = Assert.Single(rig.Triggers);
        Assert.Equal((Orders.Pid, "too-many-threads", 600.0), (trigger.Target.Pid, trigger.Rule, trigger.Verdict.Value));
        Assert.Equal(10, (trigger.Verdict.Timestamp - ManualTime.Start).TotalSeconds);
        await Eventually.TrueAsync(() => rig.Action.Count == 1, () => "the action did not run");
        var lines = SampleLines(await ExpositionAsync(rig.Exporter));
        Assert.Contains($"leakwatch_leak_suspected{{pid=\"1804\",process_name=\"Orders\",rule=\"too-many-threads\",signal=\"{Threads}\"}} 1", lines);
        Assert.Contains($"leakwatch_leak_suspected{{pid=\"2207\",process_name=\"Billing\",rule=\"too-many-threads\",signal=\"{Threads}\"}} 0", lines);
        Assert.Contains($"leakwatch_rule_triggers_total{{pid=\"1804\",process_name=\"Orders\",rule=\"too-many-threads\",signal=\"{Threads}\"}} 1", lines);
    }

    [Fact]
    public async Task A_series_no_rule_watches_is_ignored_and_a_cleared_rule_reads_zero()
    {
        var rig = new Rig();
        var cleared = new List<RuleVerdict>();
        rig.Sink.Cleared += (_, verdict) => cleared.Add(verdict);

        rig.Feed(Orders, 0, 20, _ => 600, "dotnet_timer_count");
        rig.Feed(Orders, 0, 60, t => t < 20 ? 600 : 100);

        Assert.Single(rig.Triggers);
        Assert.Single(cleared);
        var lines = SampleLines(await ExpositionAsync(rig.Exporter));
        Assert.Contains($"leakwatch_leak_suspected{{pid=\"1804\",process_name=\"Orders\",rule=\"too-many-threads\",signal=\"{Threads}\"}} 0", lines);
        Assert.DoesNotContain(lines, l => l.Contains("dotnet_timer_count", StringComparison.Ordinal));
    }

    public static TheoryData<string, int, int, int> Throttles => new()
    {
        // name, cooldown (s), fires (each 60 s apart), actions expected
        { "no cooldown: every trigger acts", 0, 3, 3 },
        { "a cooldown longer than the gap holds the later ones back", 300, 3, 1 },
        { "a cooldown shorter than the gap lets them through", 30, 3, 3 },
    };

    [Theory]
    [MemberData(nameof(Throttles))]
    public async Task Triggers_within_the_cooldown_count_but_do_not_act(string name, int cooldownSeconds, int fires, int actions)
    {
        var rig = new Rig(new ThrottleOptions { Cooldown = TimeSpan.FromSeconds(cooldownSeconds), MaxActions = 10, Per = TimeSpan.FromHours(1) });

        // Above for 20 s, below for 40 s: fires at 10 s into each minute and clears before the next.
        rig.Feed(Orders, 0, 60 * fires, t => t % 60 < 20 ? 600 : 100);

        Assert.True(rig.Triggers.Count == fires, $"{name}: {rig.Triggers.Count} triggers");
        await Eventually.TrueAsync(() => rig.Action.Count == actions, () => $"{name}: {rig.Action.Count} actions ran, expected {actions}");
        var lines = SampleLines(await ExpositionAsync(rig.Exporter));
        var throttled = fires - actions;
        Assert.True(
            throttled == 0
                ? !lines.Any(l => l.StartsWith("leakwatch_rule_actions_throttled_total", StringComparison.Ordinal))
                : lines.Contains($"leakwatch_rule_actions_throttled_total{{rule=\"too-many-threads\"}} {throttled}"),
            $"{name}: {string.Join('\n', lines.Where(l => l.Contains("throttled", StringComparison.Ordinal)))}");
        Assert.Equal(throttled, rig.Messages.Count(m => m.Contains("within its cooldown", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task One_target_in_its_cooldown_does_not_hold_back_another_targets_actions()
    {
        var rig = new Rig(new ThrottleOptions { Cooldown = TimeSpan.FromMinutes(10), MaxActions = 10, Per = TimeSpan.FromHours(1) });

        rig.Feed(Orders, 0, 30, _ => 600);
        rig.Feed(Billing, 0, 30, _ => 600);

        Assert.Equal(2, rig.Triggers.Count);
        await Eventually.TrueAsync(() => rig.Action.Count == 2, () => $"{rig.Action.Count} actions ran for two targets");
    }

    [Fact]
    public async Task A_removed_target_loses_its_rule_series_and_starts_afresh()
    {
        var rig = new Rig();
        rig.Feed(Orders, 0, 30, _ => 600);
        rig.Feed(Billing, 0, 5, _ => 100);

        rig.Sink.RemoveTarget(Orders);

        var lines = SampleLines(await ExpositionAsync(rig.Exporter));
        Assert.DoesNotContain(lines, l => l.StartsWith("leakwatch_", StringComparison.Ordinal) && l.Contains("pid=\"1804\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("leakwatch_leak_suspected{pid=\"2207\"", StringComparison.Ordinal));
        rig.Feed(Orders, 100, 105, _ => 600);
        Assert.Single(rig.Triggers); // a fresh 10 s "for" starts: five seconds above are not enough
    }

    /// <summary>The sink wired as the host wires it, with a counting action and the exporter's registry.</summary>
    private sealed class Rig
    {
        public Rig(ThrottleOptions? throttle = null)
        {
            var health = new AgentHealth();
            Exporter = new PrometheusExporter(Fakes.PidModeLabels(), health);
            var runner = new LeakActionRunner(null, [Action], health, TimeSpan.FromSeconds(30));
            Sink = new RuleEvaluationSink(
                new RuleSetOptions { Rules = [TooManyThreads], Throttle = throttle ?? new ThrottleOptions() },
                new RuleMetrics(Exporter.Registry, Fakes.PidModeLabels()),
                runner);
            Sink.Triggered += Triggers.Add;
            Sink.Message += Messages.Add;
        }

        public PrometheusExporter Exporter { get; }

        public RuleEvaluationSink Sink { get; }

        public CountingAction Action { get; } = new();

        public List<LeakTrigger> Triggers { get; } = [];

        public List<string> Messages { get; } = [];

        /// <summary>One sample a second from <paramref name="from"/> to <paramref name="to"/> seconds (exclusive).</summary>
        public void Feed(TargetProcess target, int from, int to, Func<int, double> value, string series = Threads)
        {
            for (var t = from; t < to; t++)
            {
                Sink.OnSample(target, Gauge(series, value(t)).At(t));
            }
        }
    }

    private sealed class CountingAction : ILeakAction
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public string Name => "count";

        public Task RunAsync(LeakIncident incident, CancellationToken cancellation)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
