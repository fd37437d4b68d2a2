using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Rules;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Rules;

/// <summary>
/// Feeds every sample to the rule engine and acts on its verdicts: counts and flags them on /metrics, tells the person
/// watching, and hands triggers that pass the throttle to the actions. Only enqueues work, so a slow snapshot or a dead
/// webhook never delays evaluation. Thread-safe: sources call from their own threads.
/// </summary>
public sealed class RuleEvaluationSink : ISampleSink
{
    private readonly object _gate = new();
    private readonly RuleEngine _engine;
    private readonly ActionThrottle _throttle;
    private readonly RuleMetrics _metrics;
    private readonly LeakActionRunner _actions;
    private readonly HashSet<(int Id, string Rule, string Signal)> _watched = [];

    public RuleEvaluationSink(RuleSetOptions options, RuleMetrics metrics, LeakActionRunner actions)
    {
        _engine = new RuleEngine(options.ActiveRules);
        _throttle = new ActionThrottle(options.Throttle);
        _metrics = metrics;
        _actions = actions;
    }

    /// <summary>A rule fired (whether or not its actions were throttled).</summary>
    public event Action<LeakTrigger>? Triggered;

    /// <summary>A rule's condition stopped holding.</summary>
    public event Action<TargetProcess, RuleVerdict>? Cleared;

    /// <summary>Lines for the person watching: actions held back by the throttle.</summary>
    public event Action<string>? Message;

    public void OnSample(TargetProcess target, MetricSample sample)
    {
        if (!_engine.Watches(sample.Name))
        {
            return;
        }

        IReadOnlyList<RuleVerdict> verdicts;
        lock (_gate)
        {
            AnnounceWatched(target, sample);
            // The engine keys by the agent's id (several sidecar apps are pid 1); people read the app's pid.
            verdicts = target.Id == target.Pid
                ? _engine.Observe(target.Pid, sample)
                : _engine.Observe(target.Id, sample).Select(v => v with { Pid = target.Pid }).ToList();
        }

        foreach (var verdict in verdicts)
        {
            switch (verdict.Kind)
            {
                case VerdictKind.Fired:
                    OnFired(new LeakTrigger(target, verdict));
                    break;
                case VerdictKind.Cleared:
                    bool stillWatched;
                    lock (_gate)
                    {
                        stillWatched = _watched.Contains((target.Id, verdict.Rule, verdict.SeriesText));
                    }

                    if (stillWatched)
                    {
                        _metrics.Cleared(target, verdict.Rule, verdict.SeriesText);
                    }

                    Cleared?.Invoke(target, verdict);
                    break;
            }
        }
    }

    /// <summary>
    /// Forgets a process that is gone (with --all or --diagnostic-port the agent goes on without it): its rule state,
    /// and its rule series, which leave /metrics like its other series.
    /// </summary>
    public void RemoveTarget(TargetProcess target)
    {
        List<(int Id, string Rule, string Signal)> forgotten;
        lock (_gate)
        {
            _engine.RemoveProcess(target.Id);
            forgotten = _watched.Where(w => w.Id == target.Id).ToList();
            _watched.ExceptWith(forgotten);
        }

        foreach (var (_, rule, signal) in forgotten)
        {
            _metrics.Forget(target, rule, signal);
        }
    }

    private void OnFired(LeakTrigger trigger)
    {
        _metrics.Fired(trigger.Target, trigger.Rule, trigger.Verdict.SeriesText);
        Triggered?.Invoke(trigger);
        if (_throttle.TryAcquire(trigger.Rule, trigger.Target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), trigger.Verdict.Timestamp))
        {
            _actions.TryEnqueue(trigger);
        }
        else
        {
            _metrics.Throttled(trigger.Rule);
            if (_actions.HasWork)
            {
                Message?.Invoke($"leakwatch: rule '{trigger.Rule}' fired again within its cooldown or action limit; snapshot and webhooks skipped this time.");
            }
        }
    }

    private void AnnounceWatched(TargetProcess target, MetricSample sample)
    {
        foreach (var rule in _engine.Rules)
        {
            var signal = rule.Series == sample.Name ? rule.MainSignal : rule.Fallback?.Series == sample.Name ? rule.Fallback : null;
            if (signal is null || !SignalMatches(signal, sample))
            {
                continue;
            }

            var text = signal.Aggregate == SeriesAggregation.Sum || sample.Labels.Count == 0 ? signal.Series : signal.Series + sample.Labels;
            var isFallback = ReferenceEquals(signal, rule.Fallback);
            if (isFallback && _watched.Contains((target.Id, rule.Name, rule.Series)))
            {
                continue;
            }

            if (_watched.Add((target.Id, rule.Name, text)))
            {
                _metrics.Watch(target, rule.Name, text);
                if (!isFallback && rule.Fallback is { } fallback && _watched.Remove((target.Id, rule.Name, fallback.Series)))
                {
                    // The real signal arrived: the fallback's series would otherwise sit at 0 forever.
                    _metrics.Forget(target, rule.Name, fallback.Series);
                }
            }
        }
    }

    private static bool SignalMatches(SignalOptions signal, MetricSample sample) =>
        signal.Match.All(pair => sample.Labels[pair.Key] == pair.Value);
}
