using LeakWatch.Core.Rules;
using LeakWatch.Core.Samples;
using static LeakWatch.Core.Tests.Rules.SeriesScript;

namespace LeakWatch.Core.Tests.Rules;

public class ThresholdAndSignalTests
{
    private static readonly RuleOptions Threshold = new()
    {
        Name = "too-many-threads",
        Kind = RuleKind.Threshold,
        Series = "process_num_threads",
        Above = 500,
        For = TimeSpan.FromSeconds(10),
    };

    public static TheoryData<string, Func<double, double>, double?> ThresholdSeries => new()
    {
        { "always below", _ => 100, null },
        { "spike above for 5 s", t => t is >= 20 and < 25 ? 900 : 100, null },
        { "above from 20 s on", t => t >= 20 ? 600 : 100, 30 },
        { "exactly at the threshold", _ => 500, null },
    };

    [Theory]
    [MemberData(nameof(ThresholdSeries))]
    public void Threshold_fires_only_after_the_value_stays_above_for_its_duration(string name, Func<double, double> value, double? firesAt)
    {
        var fired = FirstFired(Run(Threshold, Generate(90, value)));

        Assert.True(fired == firesAt, $"{name}: fired at {fired}, expected {firesAt}");
    }

    [Fact]
    public void Threshold_clears_after_the_value_stays_below_for_its_duration()
    {
        var verdicts = Run(Threshold, Generate(90, t => t is >= 10 and < 40 ? 600 : 100));

        Assert.Equal(20, FirstFired(verdicts));
        Assert.Equal(50, verdicts.Single(v => v.Verdict.Kind == VerdictKind.Cleared).T);
    }

    [Fact]
    public void Sum_rule_adds_up_a_family_across_labels()
    {
        var rule = RuleDefaults.BuiltIn.Single(r => r.Name == RuleDefaults.TaskLeak);
        var engine = new RuleEngine([rule]);
        var verdicts = new List<RuleVerdict>();
        foreach (var (t, _) in Generate(60, _ => 0))
        {
            // Three methods each gaining 40 pending a second: 120/s in all; none alone would show the same picture.
            foreach (var method in new[] { "ChargeAsync", "AuthorizeAsync", "AwaitSettlementAsync" })
            {
                var sample = Sample("leakwatch_async_operations_pending", t, 40 * t, LabelSet.Of(("method", method)));
                verdicts.AddRange(engine.Observe(7, sample));
            }
        }

        var fired = verdicts.First(v => v.Kind == VerdictKind.Fired);
        Assert.Equal(LabelSet.Empty, fired.Labels);
        Assert.Equal(120, fired.Slope, 3);
        Assert.InRange((fired.Timestamp - Start).TotalSeconds, 0, 30);
    }

    [Fact]
    public void Fallback_is_read_until_the_main_signal_appears()
    {
        var rule = RuleDefaults.BuiltIn.Single(r => r.Name == RuleDefaults.TaskLeak);
        var engine = new RuleEngine([rule]);
        var verdicts = new List<RuleVerdict>();
        foreach (var (t, _) in Generate(90, _ => 0))
        {
            // Retained heap climbing 4 MB/s across two generations.
            verdicts.AddRange(engine.Observe(7, Sample("dotnet_gc_last_collection_heap_size_bytes", t, 2e6 * t, LabelSet.Of(("gc_heap_generation", "gen2")))));
            verdicts.AddRange(engine.Observe(7, Sample("dotnet_gc_last_collection_heap_size_bytes", t, 2e6 * t, LabelSet.Of(("gc_heap_generation", "loh")))));
            if (t >= 60)
            {
                verdicts.AddRange(engine.Observe(7, Sample("leakwatch_async_operations_pending", t, 10, LabelSet.Of(("method", "M")))));
            }
        }

        var fired = verdicts.First(v => v.Kind == VerdictKind.Fired);
        Assert.Equal("dotnet_gc_last_collection_heap_size_bytes", fired.Signal);
        Assert.Equal(4e6, fired.Slope, 0);
        // Once the real signal exists the heap no longer speaks for the rule.
        var cleared = verdicts.Single(v => v.Kind == VerdictKind.Cleared);
        Assert.InRange((cleared.Timestamp - Start).TotalSeconds, 55, 60);
        Assert.DoesNotContain(verdicts, v => v.Timestamp > cleared.Timestamp && v.Signal == fired.Signal);
    }

    public static TheoryData<string, double, double, bool> Starvation => new()
    {
        { "queue grows, pool threads climb", 20, 0.5, true },
        { "queue grows, pool threads flat", 20, 0, false },
        { "queue flat, pool threads climb", 0, 0.5, false },
    };

    [Theory]
    [MemberData(nameof(Starvation))]
    public void Starvation_needs_the_queue_to_grow_while_pool_threads_climb(string name, double queuePerSecond, double threadsPerSecond, bool shouldFire)
    {
        var rule = RuleDefaults.BuiltIn.Single(r => r.Name == RuleDefaults.ThreadPoolStarvation);
        var engine = new RuleEngine([rule]);
        var fired = false;
        foreach (var (t, _) in Generate(60, _ => 0))
        {
            engine.Observe(1, Sample("dotnet_thread_pool_thread_count", t, 4 + Math.Floor(threadsPerSecond * t)));
            fired |= engine.Observe(1, Sample("dotnet_thread_pool_queue_length", t, queuePerSecond * t)).Any(v => v.Kind == VerdictKind.Fired);
        }

        Assert.True(fired == shouldFire, name);
    }

    [Fact]
    public void Each_process_and_label_set_is_its_own_series()
    {
        var rule = RuleDefaults.BuiltIn.Single(r => r.Name == RuleDefaults.ThreadLeak);
        var engine = new RuleEngine([rule]);
        var fired = new List<RuleVerdict>();
        foreach (var (t, _) in Generate(60, _ => 0))
        {
            fired.AddRange(engine.Observe(1, Sample("process_num_threads", t, 20 + (2 * t))).Where(v => v.Kind == VerdictKind.Fired));
            fired.AddRange(engine.Observe(2, Sample("process_num_threads", t, 20)).Where(v => v.Kind == VerdictKind.Fired));
        }

        Assert.Equal([1], fired.Select(v => v.Pid));
        Assert.Single(engine.RemoveProcess(1), v => v.Kind == VerdictKind.Cleared);
    }

    [Fact]
    public void Out_of_order_and_unwatched_samples_are_ignored()
    {
        var engine = new RuleEngine(RuleDefaults.BuiltIn);

        Assert.False(engine.Watches("dotnet_jit_compiled_methods_total"));
        Assert.Empty(engine.Observe(1, Sample("dotnet_jit_compiled_methods_total", 0, 5)));
        Assert.True(engine.Watches("process_num_threads"));
    }
}
