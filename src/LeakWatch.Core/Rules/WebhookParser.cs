namespace LeakWatch.Core.Rules;

/// <summary>
/// Reads "[format=]url". Without a format, the host decides: Slack, DingTalk and WeCom robots have fixed hosts;
/// anything else gets the generic JSON.
/// </summary>
public static class WebhookParser
{
    public static bool TryParse(string text, out WebhookOptions webhook, out string error)
    {
        webhook = null!;
        var trimmed = text.Trim();
        WebhookFormat? format = null;
        var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        var scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (equals > 0 && (scheme < 0 || equals < scheme))
        {
            var name = trimmed[..equals].Trim();
            if (!Enum.TryParse<WebhookFormat>(name, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(name[0]))
            {
                error = $"'{name}' is not a webhook format: use generic, slack, dingtalk or wecom (for example slack=https://hooks.slack.com/services/...).";
                return false;
            }

            format = parsed;
            trimmed = trimmed[(equals + 1)..].Trim();
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{trimmed}' is not an http:// or https:// URL.";
            return false;
        }

        webhook = new WebhookOptions(url, format ?? FormatForHost(url.Host));
        error = "";
        return true;
    }

    public static WebhookFormat FormatForHost(string host) => host.ToLowerInvariant() switch
    {
        "hooks.slack.com" => WebhookFormat.Slack,
        "oapi.dingtalk.com" => WebhookFormat.DingTalk,
        "qyapi.weixin.qq.com" => WebhookFormat.WeCom,
        _ => WebhookFormat.Generic,
    };
}
