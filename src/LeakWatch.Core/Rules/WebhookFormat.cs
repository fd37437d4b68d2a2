namespace LeakWatch.Core.Rules;

/// <summary>The body a webhook receives, chosen by the receiving service.</summary>
public enum WebhookFormat
{
    /// <summary>leakwatch's own JSON document, described in docs/rules.md.</summary>
    Generic,

    /// <summary>Slack incoming webhook: <c>{"text": ...}</c>.</summary>
    Slack,

    /// <summary>DingTalk custom robot text message: <c>{"msgtype":"text","text":{"content":...}}</c>.</summary>
    DingTalk,

    /// <summary>WeCom (WeChat Work) group robot text message, same shape as DingTalk's.</summary>
    WeCom,
}
