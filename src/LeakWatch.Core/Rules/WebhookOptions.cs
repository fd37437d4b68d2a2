namespace LeakWatch.Core.Rules;

/// <summary>One webhook: where to POST and in which format.</summary>
public sealed record WebhookOptions(Uri Url, WebhookFormat Format);
