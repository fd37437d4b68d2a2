using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using LeakWatch.Core.Rules;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using LeakWatch.Core.Text;

namespace LeakWatch.Agent.Actions;

/// <summary>
/// Delivers to one webhook from its own queue and loop, so a slow or dead endpoint delays nothing but its own
/// deliveries. Each delivery is retried with exponential backoff (Polly); what finally fails, or does not fit in the
/// queue, is counted by format.
/// </summary>
public sealed class WebhookSender : IAsyncDisposable
{
    public const int QueueCapacity = 32;

    private readonly WebhookOptions _webhook;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WebhookSender(WebhookOptions webhook, WebhookDeliveryOptions delivery, HttpClient http)
    {
        _webhook = webhook;
        _http = http;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = delivery.Retries,
                Delay = delivery.FirstRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => IsTransient(response.StatusCode)),
                OnRetry = arguments =>
                {
                    arguments.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(delivery.AttemptTimeout)
            .Build();
        _loop = Task.Run(RunLoopAsync);
    }

    public WebhookFormat Format => _webhook.Format;

    /// <summary>Raised after each delivery: true when the endpoint accepted it.</summary>
    public event Action<WebhookSender, bool, string>? Delivered;

    /// <summary>Queues a body; false (and counted as a failure) when the queue is full.</summary>
    public bool TryEnqueue(byte[] body)
    {
        if (_queue.Writer.TryWrite(body))
        {
            return true;
        }

        Delivered?.Invoke(this, false, "queue full");
        return false;
    }

    private async Task RunLoopAsync()
    {
        try
        {
            await foreach (var body in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var (ok, detail) = await DeliverAsync(body, _stop.Token).ConfigureAwait(false);
                Delivered?.Invoke(this, ok, detail);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task<(bool Ok, string Detail)> DeliverAsync(byte[] body, CancellationToken cancellation)
    {
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, _webhook.Url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    return await _http.SendAsync(request, token).ConfigureAwait(false);
                },
                cancellation).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (false, $"HTTP {(int)response.StatusCode}");
            }

            // DingTalk and WeCom answer 200 with {"errcode": n} when they refuse a message.
            if (_webhook.Format is WebhookFormat.DingTalk or WebhookFormat.WeCom)
            {
                var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
                if (RobotErrorCode(text) is { } code and not 0)
                {
                    return (false, $"robot errcode {code}");
                }
            }

            return (true, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return (false, UserMessages.Describe(e));
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static int? RobotErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("errcode", out var code) && code.TryGetInt32(out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Gives queued deliveries a short grace period, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(3))).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
