using System.Net;
using System.Net.Sockets;
using System.Text;
using LeakWatch.Agent.Export;
using LeakWatch.Core;

namespace LeakWatch.Agent.Tests.Export;

/// <summary>The agent's HTTP server over real sockets: what curl, Prometheus and kubelet probes send.</summary>
public class MetricsServerTests
{
    private static async Task<MetricsServer> StartAsync(string url = "http://127.0.0.1:0")
    {
        var server = new MetricsServer(new Uri(url));
        server.Map("GET", "/metrics", (context, cancellation) => MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, "up 1\n", cancellation));
        server.Map("POST", "/snapshots", (context, cancellation) =>
            MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, $"pid=[{context.Request.QueryString["pid"] ?? "absent"}]\n", cancellation));
        server.Start();
        await Task.Yield();
        return server;
    }

    /// <summary>Sends raw bytes and reads until the server closes or <paramref name="responses"/> complete answers arrived.</summary>
    private static async Task<string> ExchangeAsync(IPEndPoint endpoint, string raw, int responses = 1)
    {
        using var client = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(raw));
        var received = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (CountComplete(received.ToString()) < responses)
        {
            var read = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    private static int CountComplete(string text)
    {
        var count = 0;
        var at = 0;
        while (text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal) is var end and >= 0)
        {
            var head = text[at..end];
            var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (text.Length < end + 4 + length)
            {
                break;
            }

            count++;
            at = end + 4 + length;
        }

        return count;
    }

    private static IPEndPoint Loopback(MetricsServer server) => new(IPAddress.Loopback, server.Url.Port);

    [Fact]
    public async Task Port_0_binds_a_free_port_and_the_url_says_which()
    {
        await using var server = await StartAsync();

        Assert.NotEqual(0, server.Url.Port);
        Assert.Equal($"http://127.0.0.1:{server.Url.Port}/metrics", server.MetricsUrl);
        using var http = new HttpClient();
        Assert.Equal("up 1\n", await http.GetStringAsync(new Uri(server.MetricsUrl)));
    }

    [Theory]
    [InlineData("POST /snapshots?pid=42 HTTP/1.1\r\nHost: x\r\n\r\n", "pid=[42]")] // curl -X POST, no data: no Content-Length
    [InlineData("POST /snapshots?pid=42 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "pid=[42]")]
    [InlineData("POST /snapshots?pid=42 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", "pid=[42]")]
    [InlineData("POST /snapshots?pid= HTTP/1.0\r\n\r\n", "pid=[]")]
    [InlineData("POST /snapshots HTTP/1.1\r\nHost: x\r\n\r\n", "pid=[absent]")]
    public async Task A_POST_is_answered_by_its_route_with_or_without_a_body(string raw, string expected)
    {
        await using var server = await StartAsync();

        var answer = await ExchangeAsync(Loopback(server), raw);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith(expected + "\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_on_a_kept_alive_connection_are_answered_in_order()
    {
        await using var server = await StartAsync();

        var answer = await ExchangeAsync(Loopback(server),
            "POST /snapshots?pid=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\nPOST /snapshots?pid=2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", responses: 3);

        var pid1 = answer.IndexOf("pid=[1]", StringComparison.Ordinal);
        var up = answer.IndexOf("up 1", StringComparison.Ordinal);
        var pid2 = answer.IndexOf("pid=[2]", StringComparison.Ordinal);
        Assert.True(pid1 >= 0 && up > pid1 && pid2 > up, answer);
    }

    [Theory]
    [InlineData("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", "404 Not Found")]
    [InlineData("DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "405 Method Not Allowed")]
    [InlineData("GET /metrics HTTP/2.0\r\n\r\n", "505 HTTP Version Not Supported")]
    [InlineData("hello\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n", "400 Bad Request")]
    [InlineData("POST /snapshots HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "400 Bad Request")]
    [InlineData("POST /snapshots HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", "413 Content Too Large")]
    [InlineData("POST /snapshots HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "501 Not Implemented")]
    public async Task Bad_requests_get_a_status_and_one_line(string raw, string status)
    {
        await using var server = await StartAsync();

        var answer = await ExchangeAsync(Loopback(server), raw);

        Assert.StartsWith($"HTTP/1.1 {status}\r\n", answer, StringComparison.Ordinal);
        var body = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Headers_over_the_limit_are_refused_431()
    {
        await using var server = await StartAsync();

        var answer = await ExchangeAsync(Loopback(server), $"GET /metrics HTTP/1.1\r\nX-Big: {new string('a', 20_000)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 ", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_IPv6_literal_is_served()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return; // no IPv6 on this machine: the refusal is tested below
        }

        await using var server = await StartAsync("http://[::1]:0");

        Assert.Equal($"http://[::1]:{server.Url.Port}/metrics", server.MetricsUrl);
        var answer = await ExchangeAsync(new IPEndPoint(IPAddress.IPv6Loopback, server.Url.Port), "GET /metrics HTTP/1.1\r\nHost: [::1]\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_IPv6_wildcard_serves_both_families()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        await using var server = await StartAsync("http://[::]:0");

        Assert.StartsWith("HTTP/1.1 200 OK", await ExchangeAsync(Loopback(server), "GET /metrics HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 OK", await ExchangeAsync(new IPEndPoint(IPAddress.IPv6Loopback, server.Url.Port), "GET /metrics HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_larger_than_the_first_buffer_arrive_whole_again_and_again_on_one_connection()
    {
        // Written in uneven pieces, as prometheus-net writes an exposition: the pooled body grows, is sent, given back, rented again.
        var line = Encoding.ASCII.GetBytes("dotnet_timer_count{pid=\"1804\",process_name=\"Orders\"} 3\n");
        await using var server = new MetricsServer(new Uri("http://127.0.0.1:0"));
        server.Map("GET", "/metrics", async (context, cancellation) =>
        {
            for (var i = 0; i < 6000; i++)
            {
                await context.Response.OutputStream.WriteAsync(line.AsMemory(0, 1 + (i % line.Length)), cancellation);
                await context.Response.OutputStream.WriteAsync(line.AsMemory(1 + (i % line.Length)), cancellation);
            }
        });
        server.Start();
        using var http = new HttpClient();

        foreach (var _ in Enumerable.Range(0, 3))
        {
            using var response = await http.GetAsync(new Uri(server.MetricsUrl));
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(6000 * line.Length, response.Content.Headers.ContentLength);
            Assert.Equal(6000 * line.Length, body.Length);
            Assert.Equal(Enumerable.Repeat(line, 6000).SelectMany(b => b), body);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}", "the port is in use")]
    [InlineData("http://192.0.2.1:9473", "192.0.2.1 is not an address of this machine")]
    [InlineData("http://no-such-host.invalid:9473", "does not resolve")]
    public async Task An_address_that_cannot_be_bound_is_one_line_and_exit_6(string url, string expected)
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var server = new MetricsServer(new Uri(url.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));

        var error = Assert.Throws<LeakWatchException>(server.Start);

        Assert.Equal(ExitCode.PortUnavailable, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        await server.DisposeAsync();
    }
}
