using System.Collections.Specialized;
using System.Net;

namespace LeakWatch.Agent.Export;

/// <summary>One request and its answer on <see cref="MetricsServer"/>; disposed once the answer is sent.</summary>
public sealed class HttpExchange(AgentHttpRequest request) : IDisposable
{
    public AgentHttpRequest Request { get; } = request;

    public AgentHttpResponse Response { get; } = new();

    public void Dispose() => Response.Dispose();
}

/// <summary>A parsed request: method, path, query and headers (names case-insensitive). Bodies are read and dropped: no route takes one.</summary>
public sealed class AgentHttpRequest
{
    public required string HttpMethod { get; init; }

    /// <summary>The path without query, as sent (no trailing-slash trimming).</summary>
    public required string Path { get; init; }

    /// <summary>Query parameters: <c>pid=</c> is present with an empty value, a missing one is null.</summary>
    public NameValueCollection QueryString { get; init; } = new();

    public NameValueCollection Headers { get; init; } = new();

    public Version ProtocolVersion { get; init; } = HttpVersion.Version11;

    /// <summary>The media types of <c>Accept</c>, parameters included (<c>application/json;q=0.9</c>).</summary>
    public string[]? AcceptTypes => Headers["Accept"]?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Whether the client asked to keep the connection: HTTP/1.1 unless <c>Connection: close</c>, HTTP/1.0 only with keep-alive.</summary>
    public bool KeepAlive
    {
        get
        {
            var connection = Headers["Connection"];
            return ProtocolVersion >= HttpVersion.Version11
                ? !string.Equals(connection, "close", StringComparison.OrdinalIgnoreCase)
                : string.Equals(connection, "keep-alive", StringComparison.OrdinalIgnoreCase);
        }
    }

    public static NameValueCollection ParseQuery(string query)
    {
        var values = new NameValueCollection(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            values.Add(Unescape(name), Unescape(value));
        }

        return values;
    }

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return text;
        }
    }
}

/// <summary>The answer, buffered whole and sent with a Content-Length, so a response is never cut short.</summary>
public sealed class AgentHttpResponse : IDisposable
{
    private readonly List<(string Name, string Value)> _headers = [];

    public int StatusCode { get; set; } = 200;

    public string ContentType { get; set; } = "text/plain; charset=utf-8";

    /// <summary>The body: the only copy of it, sent from here (<see cref="ResponseBodyStream"/>).</summary>
    public ResponseBodyStream OutputStream { get; } = new();

    public IReadOnlyList<(string Name, string Value)> Headers => _headers;

    public void AddHeader(string name, string value) => _headers.Add((name, value));

    /// <summary>Gives the body's buffer back to the pool.</summary>
    public void Dispose() => OutputStream.Dispose();
}
