using System.Globalization;
using LeakWatch.Agent.Targets;
using Prometheus;

namespace LeakWatch.Agent.Rules;

/// <summary>The rules' own series on the exporter's registry, all carrying pid and process_name like target series.</summary>
public sealed class RuleMetrics
{
    private static readonly string[] LabelNames = ["pid", "process_name", "rule", "signal"];

    private readonly Counter _triggers;
    private readonly Gauge _suspected;
    private readonly Counter _throttled;

    public RuleMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _triggers = factory.CreateCounter("leakwatch_rule_triggers_total", "Times a leak rule fired for a series.", LabelNames);
        _suspected = factory.CreateGauge("leakwatch_leak_suspected", "1 while a leak rule's condition holds for a series, 0 after.", LabelNames);
        _throttled = factory.CreateCounter("leakwatch_rule_actions_throttled_total", "Triggers whose actions (snapshot, webhook) the cooldown or the per-window limit held back.", ["rule"]);
    }

    /// <summary>Shows a rule at 0 for a series as soon as it is watched, so dashboards see the rule exists.</summary>
    public void Watch(TargetProcess target, string rule, string signal)
    {
        var labels = Labels(target, rule, signal);
        _triggers.WithLabels(labels);
        _suspected.WithLabels(labels).Set(0);
    }

    public void Fired(TargetProcess target, string rule, string signal)
    {
        var labels = Labels(target, rule, signal);
        _triggers.WithLabels(labels).Inc();
        _suspected.WithLabels(labels).Set(1);
    }

    public void Cleared(TargetProcess target, string rule, string signal) => _suspected.WithLabels(Labels(target, rule, signal)).Set(0);

    public void Throttled(string rule) => _throttled.WithLabels(rule).Inc();

    private static string[] Labels(TargetProcess target, string rule, string signal) =>
        [target.Pid.ToString(CultureInfo.InvariantCulture), target.Name, rule, signal];
}
