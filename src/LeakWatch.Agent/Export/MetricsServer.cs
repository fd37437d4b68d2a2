using System.Net;
using System.Text;
using LeakWatch.Core;

namespace LeakWatch.Agent.Export;

/// <summary>
/// Serves /metrics (and later routes) over HttpListener. A loopback URL answers under both
/// <c>localhost</c> and <c>127.0.0.1</c>: HttpListener matches the Host header, so both names are registered.
/// <c>0.0.0.0</c>, <c>*</c> and <c>+</c> mean every interface.
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<(string Method, string Path), Func<HttpListenerContext, CancellationToken, Task>> _routes = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public MetricsServer(Uri url)
    {
        Url = url;
        foreach (var prefix in Prefixes(url))
        {
            _listener.Prefixes.Add(prefix);
        }
    }

    public Uri Url { get; }

    /// <summary>The URL a person or Prometheus uses to scrape, for messages.</summary>
    public string MetricsUrl => new Uri(Url, "metrics").ToString();

    public void Map(string method, string path, Func<HttpListenerContext, CancellationToken, Task> handler) =>
        _routes[(method, path)] = handler;

    public static IReadOnlyList<string> Prefixes(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new LeakWatchException(ExitCode.UsageError, $"--urls must be an http:// URL, not '{url}'.");
        }

        var port = url.Port;
        return url.Host switch
        {
            "0.0.0.0" or "*" or "+" or "[::]" or "::" => [$"http://+:{port}/"],
            "localhost" or "127.0.0.1" => [$"http://127.0.0.1:{port}/", $"http://localhost:{port}/"],
            var host => [$"http://{host}:{port}/"],
        };
    }

    public void Start()
    {
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new LeakWatchException(
                ExitCode.PortUnavailable,
                $"Cannot listen on {Url}: {e.Message}. Choose another port with --urls, for example --urls http://127.0.0.1:{NextPort(Url.Port)}.",
                e);
        }

        _loop = Task.Run(() => AcceptLoopAsync(_stopping.Token));
    }

    private static int NextPort(int port) => port >= 65535 ? 9474 : port + 1;

    private async Task AcceptLoopAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            _ = Task.Run(() => HandleAsync(context, cancellation), CancellationToken.None);
        }
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken cancellation)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath.TrimEnd('/') is { Length: > 0 } p ? p : "/";
            if (_routes.TryGetValue((context.Request.HttpMethod, path), out var handler))
            {
                await handler(context, cancellation).ConfigureAwait(false);
            }
            else if (_routes.Keys.Any(r => r.Path == path))
            {
                await WriteTextAsync(response, HttpStatusCode.MethodNotAllowed, "method not allowed\n", cancellation).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(response, HttpStatusCode.NotFound, "not found: try /metrics\n", cancellation).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The scraper hung up or we are stopping; nothing to answer.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public static async Task WriteTextAsync(HttpListenerResponse response, HttpStatusCode status, string text, CancellationToken cancellation, string contentType = "text/plain; charset=utf-8")
    {
        response.StatusCode = (int)status;
        response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, cancellation).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listener.IsListening)
        {
            _listener.Stop();
        }

        _listener.Close();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
