using LeakWatch.Agent.Actions;
using LeakWatch.Agent.Configuration;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Rules;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using Prometheus;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// The rules' side of the host: the sink that evaluates every sample, the action runner behind it (a snapshot per
/// trigger, then the webhooks), and the rule series. Disposed in order: queued actions drain, then the webhook senders.
/// </summary>
internal sealed class RulePipeline : IAsyncDisposable
{
    private readonly LeakActionRunner _runner;
    private readonly WebhookAction? _webhooks;

    public RulePipeline(LeakWatchOptions options, CollectorRegistry registry, TargetLabels targetLabels, AgentHealth health, SnapshotRecorder snapshots, TargetLifetime lifetime, Action<string> message)
    {
        _webhooks = options.Rules.Webhooks.Count > 0 ? new WebhookAction(options.Rules.Webhooks, options.WebhookDelivery, registry) : null;
        var evidence = new SnapshotEvidence(snapshots);
        evidence.Message += message;
        if (_webhooks is not null)
        {
            _webhooks.Message += message;
        }

        _runner = new LeakActionRunner(evidence, _webhooks is null ? [] : [_webhooks], health, LeakActionDefaults.ActionTimeout);
        _runner.Message += message;
        Sink = new RuleEvaluationSink(options.Rules, new RuleMetrics(registry, targetLabels), _runner);
        Sink.Triggered += trigger => message(trigger.Message);
        Sink.Cleared += (_, verdict) => message(verdict.Describe());
        Sink.Message += message;
        lifetime.Stopped += Sink.RemoveTarget;
    }

    public RuleEvaluationSink Sink { get; }

    public async ValueTask DisposeAsync()
    {
        await _runner.DisposeAsync().ConfigureAwait(false);
        if (_webhooks is not null)
        {
            await _webhooks.DisposeAsync().ConfigureAwait(false);
        }
    }
}
