namespace LeakWatch.Core.Options;

/// <summary>
/// The agent's HTTP address: an http:// URL with a port and no path; "none" serves nothing; * and + mean every IPv4
/// interface, [::] every interface; IPv6 literals in brackets; port 0 picks a free port (the startup line says which).
/// </summary>
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

        if (Problem(text) is null)
        {
            url = new Uri(Normalize(text), UriKind.Absolute);
            return true;
        }

        return false;
    }

    /// <summary>What is wrong with <paramref name="text"/>, or null. Never quotes user info: it would echo a password.</summary>
    public static string? Problem(string text)
    {
        if (text == None)
        {
            return null;
        }

        if (!Uri.TryCreate(Normalize(text), UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttp)
        {
            return $"'{text}' is not an http:// URL with a port (such as http://0.0.0.0:9473, http://[::1]:9473) or 'none'";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return "the URL holds a user name or password (user:password@), which leakwatch does not take: give only http://HOST:PORT, and guard POST /snapshots with --api-key-file";
        }

        if (parsed.IsDefaultPort || parsed.AbsolutePath != "/" || parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            return $"'{text}' is not an http:// URL with a port and no path (such as http://0.0.0.0:9473) or 'none'";
        }

        return null;
    }

    private static string Normalize(string text) =>
        text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
}
