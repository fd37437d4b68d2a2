using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using LeakWatch.Core;

namespace LeakWatch.Agent.Export;

/// <summary>
/// Serves /metrics, /healthz, /readyz and POST /snapshots: a small HTTP/1.1 server on sockets, because HttpListener
/// answers a bodiless POST with 411 (and still runs the handler), cannot bind port 0 and refuses IPv6 literals.
/// Any Host header is answered. <c>0.0.0.0</c> (or <c>*</c>, <c>+</c>) is every IPv4 interface, <c>[::]</c> every
/// interface of both families; port 0 binds a free port, and <see cref="Url"/> says which once started.
/// Bounded: headers 16 KiB, bodies 64 KiB (dropped), <see cref="MaxConnections"/> connections, idle ones closed.
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    public const int MaxConnections = 256;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    private readonly Dictionary<(string Method, string Path), Func<HttpExchange, CancellationToken, Task>> _routes = new();
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Stops accepting and reading new requests.</summary>
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Ends requests still being answered, once <see cref="DrainTimeout"/> has passed after stopping.</summary>
    private readonly CancellationTokenSource _abort = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> _serving = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _loops = [];
    private int _connections;

    public MetricsServer(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new LeakWatchException(ExitCode.UsageError, $"--urls must be an http:// URL, not '{url}'.");
        }

        Url = url;
    }

    /// <summary>The address served: the one configured, with the port actually bound once <see cref="Start"/> ran.</summary>
    public Uri Url { get; private set; }

    /// <summary>The URL a person or Prometheus uses to scrape, for messages.</summary>
    public string MetricsUrl => new Uri(Url, "metrics").ToString();

    public void Map(string method, string path, Func<HttpExchange, CancellationToken, Task> handler) =>
        _routes[(method, path)] = handler;

    public void Start()
    {
        var port = Url.Port;
        foreach (var address in Addresses(Url))
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(128);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                StopListening();
                throw new LeakWatchException(ExitCode.PortUnavailable, $"Cannot listen on {Url}: {Why(e, address)}", e);
            }

            // Port 0: the first socket picks a free port, the others (a host name with several addresses) take the same.
            port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            _listeners.Add(socket);
        }

        Url = new UriBuilder(Url) { Port = port }.Uri;
        foreach (var listener in _listeners)
        {
            _loops.Add(Task.Run(() => AcceptLoopAsync(listener, _stopping.Token)));
        }
    }

    private string Why(SocketException e, IPAddress address) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => $"the port is in use. Choose another port with --urls, for example --urls http://127.0.0.1:{NextPort(Url.Port)}, or port 0 for any free one.",
        SocketError.AccessDenied => "ports below 1024 need root. Choose a port above 1024 with --urls.",
        SocketError.AddressNotAvailable => $"{address} is not an address of this machine. Use 0.0.0.0 for every interface, or one of its addresses.",
        SocketError.AddressFamilyNotSupported or SocketError.ProtocolNotSupported => "IPv6 is not available on this machine. Use an IPv4 address such as http://0.0.0.0:9473.",
        var other => $"the system refused it ({other}). Choose another address or port with --urls.",
    };

    private static int NextPort(int port) => port is >= 65535 or 0 ? 9474 : port + 1;

    private static IPAddress[] Addresses(Uri url)
    {
        if (url.HostNameType == UriHostNameType.IPv6 && IPAddress.TryParse(url.Host.Trim('[', ']'), out var v6))
        {
            return [v6];
        }

        if (url.Host is "0.0.0.0" or "*" or "+")
        {
            return [IPAddress.Any];
        }

        if (url.Host == "localhost")
        {
            return [IPAddress.Loopback];
        }

        if (IPAddress.TryParse(url.Host, out var literal))
        {
            return [literal];
        }

        return Resolve(url);
    }

    // Its own method, never inlined: the JIT loads System.Net.NameResolution for the method that names Dns, and an
    // address or localhost (nearly every --urls) needs none of it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IPAddress[] Resolve(Uri url)
    {
        try
        {
            var resolved = Dns.GetHostAddresses(url.Host).Distinct().ToArray();
            return resolved.Length > 0 ? resolved : throw new SocketException((int)SocketError.HostNotFound);
        }
        catch (SocketException e)
        {
            throw new LeakWatchException(ExitCode.PortUnavailable, $"Cannot listen on {url}: the host name {url.Host} does not resolve to an address of this machine. Use an IP address such as http://0.0.0.0:{url.Port}.", e);
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped
            }

            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                client.Dispose(); // bounded memory: a flood of connections is shed, not queued
                continue;
            }

            var serving = Task.Run(() => ServeConnectionAsync(client, cancellation), CancellationToken.None);
            _serving.TryAdd(serving, true);
            _ = serving.ContinueWith(t => _serving.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeConnectionAsync(Socket client, CancellationToken cancellation)
    {
        try
        {
            client.NoDelay = true;
            await using var stream = new NetworkStream(client, ownsSocket: true);
            var reader = new HttpRequestReader(stream);
            var keepAlive = true;
            while (keepAlive && !cancellation.IsCancellationRequested)
            {
                AgentHttpRequest? request;
                using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
                {
                    deadline.CancelAfter(IdleTimeout);
                    try
                    {
                        request = await reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                    }
                    catch (HttpRequestException e)
                    {
                        using var refused = new AgentHttpResponse { StatusCode = (int)(e.StatusCode ?? HttpStatusCode.BadRequest) };
                        refused.OutputStream.Write(Encoding.UTF8.GetBytes(e.Message + "\n"));
                        await WriteResponseAsync(stream, refused, keepAlive: false, cancellation).ConfigureAwait(false);
                        return;
                    }
                }

                if (request is null)
                {
                    return;
                }

                // A request being answered is finished even while the agent stops (a snapshot whose target just
                // exited ends the run and still owes its 409); only the drain timeout cuts it short.
                using var exchange = new HttpExchange(request);
                await RouteAsync(exchange, _abort.Token).ConfigureAwait(false);
                keepAlive = request.KeepAlive && !cancellation.IsCancellationRequested;
                using var writeDeadline = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
                writeDeadline.CancelAfter(RequestTimeout);
                await WriteResponseAsync(stream, exchange.Response, keepAlive, writeDeadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client hung up, stalled past a deadline, or we are stopping; nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    private async Task RouteAsync(HttpExchange exchange, CancellationToken cancellation)
    {
        var request = exchange.Request;
        var path = request.Path.TrimEnd('/') is { Length: > 0 } p ? p : "/";
        try
        {
            if (_routes.TryGetValue((request.HttpMethod, path), out var handler))
            {
                await handler(exchange, cancellation).ConfigureAwait(false);
            }
            else if (_routes.Keys.Any(r => r.Path == path))
            {
                exchange.Response.AddHeader("Allow", string.Join(", ", _routes.Keys.Where(r => r.Path == path).Select(r => r.Method)));
                await WriteTextAsync(exchange.Response, HttpStatusCode.MethodNotAllowed, "method not allowed\n", cancellation).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(exchange.Response, HttpStatusCode.NotFound, "not found: try /metrics\n", cancellation).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in a route: one line to the client instead of a dropped connection.
            var failed = exchange.Response;
            failed.OutputStream.SetLength(0);
            await WriteTextAsync(failed, HttpStatusCode.InternalServerError, "internal error in leakwatch: please report it\n", cancellation).ConfigureAwait(false);
        }
    }

    private static async Task WriteResponseAsync(Stream stream, AgentHttpResponse response, bool keepAlive, CancellationToken cancellation)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.StatusCode} {ReasonPhrase(response.StatusCode)}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Type: {response.ContentType}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {response.OutputStream.Length}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Date: {DateTime.UtcNow:R}\r\n");
        foreach (var (name, value) in response.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append(keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
        // The body is sent from the buffer it was written into, not copied behind the head; NoDelay is on, so the
        // second write does not wait for the first one's ACK.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellation).ConfigureAwait(false);
        await stream.WriteAsync(response.OutputStream.Written, cancellation).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };

    public static Task WriteTextAsync(AgentHttpResponse response, HttpStatusCode status, string text, CancellationToken cancellation, string contentType = "text/plain; charset=utf-8")
    {
        response.StatusCode = (int)status;
        response.ContentType = contentType;
        response.OutputStream.SetLength(0);
        return response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellation).AsTask();
    }

    private void StopListening()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        StopListening();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_serving.Keys).WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_serving.Keys).ConfigureAwait(false);
        _stopping.Dispose();
        _abort.Dispose();
    }
}
