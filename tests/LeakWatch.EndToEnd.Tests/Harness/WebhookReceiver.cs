using System.Net;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>A webhook endpoint on loopback inside the test: <see cref="Url"/> for <c>--webhook</c>, <see cref="First"/> the first POST.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();

    public WebhookReceiver()
    {
        var port = Agent.FreePort();
        Url = $"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        First = ReceiveOneAsync();
    }

    public string Url { get; }

    /// <summary>The first POST's content type and body; other methods are answered 405 and skipped.</summary>
    public Task<(string ContentType, string Body)> First { get; }

    /// <summary>The first POST, or a failure naming <paramref name="timeout"/> when none came.</summary>
    public async Task<(string ContentType, string Body)> FirstWithinAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(First, Task.Delay(timeout));
        Assert.True(finished == First, $"no webhook call within {timeout.TotalSeconds:0} s");
        return await First;
    }

    public void Dispose() => _listener.Close();

    private async Task<(string ContentType, string Body)> ReceiveOneAsync()
    {
        while (true)
        {
            var context = await _listener.GetContextAsync();
            if (context.Request.HttpMethod != "POST")
            {
                context.Response.StatusCode = 405;
                context.Response.Close();
                continue;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            context.Response.StatusCode = 200;
            context.Response.Close();
            return (context.Request.ContentType ?? "", body);
        }
    }
}
