using System.Globalization;
using System.Net;
using System.Text;

namespace LeakWatch.Agent.Export;

/// <summary>
/// Reads HTTP/1.x requests off one connection, one after another (keep-alive). Bounded: headers at most
/// <see cref="MaxHeaderBytes"/>, bodies at most <see cref="MaxBodyBytes"/> (read and dropped). A POST without a body
/// and without Content-Length is a request like any other (HttpListener answered it 411 and still ran the handler).
/// </summary>
internal sealed class HttpRequestReader(Stream stream)
{
    public const int MaxHeaderBytes = 16 * 1024;
    public const int MaxBodyBytes = 64 * 1024;

    private readonly byte[] _buffer = new byte[MaxHeaderBytes];
    private int _start;
    private int _end;

    /// <summary>The next request, or null when the client closed the connection between requests.</summary>
    /// <exception cref="HttpRequestException">The request is malformed; its status code says how (400, 413, 431, 501, 505).</exception>
    public async Task<AgentHttpRequest?> ReadAsync(CancellationToken cancellation)
    {
        int headerEnd;
        while ((headerEnd = HeaderEnd()) < 0)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw Refuse(HttpStatusCode.RequestHeaderFieldsTooLarge, $"request headers over {MaxHeaderBytes / 1024} KiB");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                return null; // closed, between requests or in the middle of one: nothing to answer either way
            }

            _end += read;
        }

        var text = Encoding.Latin1.GetString(_buffer, _start, headerEnd - _start);
        _start = headerEnd;
        var request = Parse(text);
        await SkipBodyAsync(request, cancellation).ConfigureAwait(false);
        return request;
    }

    /// <summary>The index just past the blank line ending the headers, or -1; blank lines before a request are skipped.</summary>
    private int HeaderEnd()
    {
        while (_start < _end && (_buffer[_start] == '\r' || _buffer[_start] == '\n'))
        {
            _start++;
        }

        for (var i = _start; i < _end; i++)
        {
            if (_buffer[i] != '\n')
            {
                continue;
            }

            if (i + 1 < _end && _buffer[i + 1] == '\n')
            {
                return i + 2;
            }

            if (i + 2 < _end && _buffer[i + 1] == '\r' && _buffer[i + 2] == '\n')
            {
                return i + 3;
            }
        }

        return -1;
    }

    private static AgentHttpRequest Parse(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[0].All(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '-') || parts[1].Length == 0)
        {
            throw Refuse(HttpStatusCode.BadRequest, "not an HTTP request line");
        }

        var version = parts[2] switch
        {
            "HTTP/1.1" => HttpVersion.Version11,
            "HTTP/1.0" => HttpVersion.Version10,
            var other when other.StartsWith("HTTP/", StringComparison.Ordinal) => throw Refuse(HttpStatusCode.HttpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served"),
            _ => throw Refuse(HttpStatusCode.BadRequest, "not an HTTP request line"),
        };

        var headers = new System.Collections.Specialized.NameValueCollection(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || char.IsWhiteSpace(line[0]) || line.AsSpan(0, colon).ContainsAny(" \t"))
            {
                throw Refuse(HttpStatusCode.BadRequest, "malformed header line");
            }

            headers.Add(line[..colon], line[(colon + 1)..].Trim());
        }

        var target = parts[1];
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
        {
            target = absolute.PathAndQuery;
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        return new AgentHttpRequest
        {
            HttpMethod = parts[0].ToUpperInvariant(),
            Path = question < 0 ? target : target[..question],
            QueryString = AgentHttpRequest.ParseQuery(question < 0 ? "" : target[(question + 1)..]),
            Headers = headers,
            ProtocolVersion = version,
        };
    }

    private async Task SkipBodyAsync(AgentHttpRequest request, CancellationToken cancellation)
    {
        if (request.Headers["Transfer-Encoding"] is not null)
        {
            throw Refuse(HttpStatusCode.NotImplemented, "chunked request bodies are not read: no route takes a body; send none, or a Content-Length");
        }

        var lengths = request.Headers.GetValues("Content-Length") ?? [];
        long length = 0;
        if (lengths.Length > 0)
        {
            if (lengths.Distinct(StringComparer.Ordinal).Count() > 1
                || !long.TryParse(lengths[0], NumberStyles.None, CultureInfo.InvariantCulture, out length))
            {
                throw Refuse(HttpStatusCode.BadRequest, "Content-Length is not one whole number");
            }
        }

        if (length > MaxBodyBytes)
        {
            throw Refuse(HttpStatusCode.RequestEntityTooLarge, $"request bodies over {MaxBodyBytes / 1024} KiB are refused: no route takes a body");
        }

        var remaining = (int)length;
        var buffered = Math.Min(remaining, _end - _start);
        _start += buffered;
        remaining -= buffered;
        while (remaining > 0)
        {
            _start = _end = 0;
            var read = await stream.ReadAsync(_buffer.AsMemory(0, Math.Min(remaining, _buffer.Length)), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the client closed the connection in the middle of a body");
            }

            remaining -= read;
        }
    }

    private static HttpRequestException Refuse(HttpStatusCode status, string why) => new(why, null, status);
}
