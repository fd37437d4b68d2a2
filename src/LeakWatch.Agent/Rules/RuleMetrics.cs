using LeakWatch.Agent.Export;
using LeakWatch.Agent.Targets;
using Prometheus;

namespace LeakWatch.Agent.Rules;

/// <summary>
/// The rules' own series on the exporter's registry, carrying the target labels (<see cref="TargetLabels"/>) like
/// target series, plus rule and signal.
/// </summary>
public sealed class RuleMetrics
{
    private readonly Counter _triggers;
    private readonly Gauge _suspected;
    private readonly Counter _throttled;
    private readonly TargetLabels _labels;

    public RuleMetrics(CollectorRegistry registry, TargetLabels targetLabels)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _labels = targetLabels.Without("rule", "signal");
        var labelNames = _labels.Names("rule", "signal");
        _triggers = factory.CreateCounter("leakwatch_rule_triggers_total", "Times a leak rule fired for a series.", labelNames);
        _suspected = factory.CreateGauge("leakwatch_leak_suspected", "1 while a leak rule's condition holds for a series, 0 after.", labelNames);
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

    /// <summary>Drops a rule's series for a signal it no longer reads (a fallback once the main series exists).</summary>
    public void Forget(TargetProcess target, string rule, string signal)
    {
        var labels = Labels(target, rule, signal);
        _triggers.RemoveLabelled(labels);
        _suspected.RemoveLabelled(labels);
    }

    public void Throttled(string rule) => _throttled.WithLabels(rule).Inc();

    private string[] Labels(TargetProcess target, string rule, string signal) => _labels.Values(target, rule, signal);
}
