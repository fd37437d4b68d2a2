namespace LeakWatch.Agent.Actions;

/// <summary>How hard a webhook delivery tries. Worst case with the defaults: 4 attempts of 10 s plus 1+2+4 s of backoff.</summary>
public sealed record WebhookDeliveryOptions
{
    public int Retries { get; init; } = 3;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
