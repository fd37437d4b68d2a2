namespace LeakWatch.Core.Options;

/// <summary>The agent's HTTP address: an http:// URL with a port and no path; "none" serves nothing; * and + mean every interface.</summary>
public static class ListenUrl
{
    public const string None = "none";

    /// <summary>True when <paramref name="text"/> is valid; <paramref name="url"/> is null for "none".</summary>
    public static bool TryParse(string text, out Uri? url)
    {
        url = null;
        if (text == None)
        {
            return true;
        }

        if (Uri.TryCreate(text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var parsed)
            && parsed.Scheme == Uri.UriSchemeHttp && !parsed.IsDefaultPort && parsed.AbsolutePath == "/")
        {
            url = parsed;
            return true;
        }

        return false;
    }
}
