using LeakWatch.Agent.Targets;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Actions;

/// <summary>A rule fired for a process: what the actions (snapshot, webhook) act on.</summary>
public sealed record LeakTrigger(TargetProcess Target, RuleVerdict Verdict)
{
    public string Rule => Verdict.Rule;

    /// <summary>The reason a snapshot records (<c>leakwatch_snapshots_total{reason}</c>): the rule's name.</summary>
    public string Reason => Verdict.Rule;

    public string Message => Verdict.Describe();
}
