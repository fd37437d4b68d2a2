using System.Net;
using LeakWatch.Core.Rules;
using Prometheus;

namespace LeakWatch.Agent.Actions;

/// <summary>
/// The webhook action: hands each incident to every webhook's own sender and returns at once. Deliveries and failures
/// are counted on /metrics as <c>leakwatch_webhook_deliveries_total{format}</c> and <c>leakwatch_webhook_failures_total{format}</c>.
/// </summary>
public sealed class WebhookAction : ILeakAction, IAsyncDisposable
{
    private readonly List<WebhookSender> _senders;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _host = Dns.GetHostName();

    public WebhookAction(IReadOnlyList<WebhookOptions> webhooks, WebhookDeliveryOptions delivery, CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        var deliveries = factory.CreateCounter("leakwatch_webhook_deliveries_total", "Webhook calls the endpoint accepted, by format.", ["format"]);
        var failures = factory.CreateCounter("leakwatch_webhook_failures_total", "Webhook calls that failed after retries or did not fit in the queue, by format.", ["format"]);
        _senders = webhooks.Select(w => new WebhookSender(w, delivery, _http)).ToList();
        foreach (var sender in _senders)
        {
            var format = sender.Format.ToString().ToLowerInvariant();
            deliveries.WithLabels(format);
            failures.WithLabels(format);
            sender.Delivered += (_, ok, detail) =>
            {
                (ok ? deliveries : failures).WithLabels(format).Inc();
                if (!ok)
                {
                    Message?.Invoke($"leakwatch: {format} webhook failed: {detail}");
                }
            };
        }
    }

    public string Name => "webhook";

    public event Action<string>? Message;

    public Task RunAsync(LeakIncident incident, CancellationToken cancellation)
    {
        foreach (var sender in _senders)
        {
            sender.TryEnqueue(WebhookPayloads.Build(sender.Format, incident, _host));
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
    }
}
