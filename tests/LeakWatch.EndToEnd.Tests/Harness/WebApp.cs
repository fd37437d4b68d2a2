namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>A running tests/TestApps/LeakWatch.WebApp (ASP.NET Core minimal API) on a free loopback port.</summary>
public sealed class WebApp : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private WebApp(ProcessRunner process, Uri url)
    {
        Process = process;
        Url = url;
    }

    public ProcessRunner Process { get; }

    public Uri Url { get; }

    public int Pid => Process.Pid;

    /// <summary>Starts it, with extra environment variables (DOTNET_DiagnosticPorts, for example) when given.</summary>
    public static async Task<WebApp> StartAsync(IDictionary<string, string>? environment = null)
    {
        var process = new ProcessRunner("dotnet", [RepoPaths.WebAppDll, "--urls", "http://127.0.0.1:0"], environment);
        try
        {
            var ready = await process.WaitForLineAsync(line => line.StartsWith("READY", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            return new WebApp(process, new Uri(ready[(ready.IndexOf("url=", StringComparison.Ordinal) + 4)..]));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="count"/> GETs one after another and returns their status codes.</summary>
    public async Task<IReadOnlyList<int>> GetAsync(string path, int count)
    {
        var codes = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            using var response = await Http.GetAsync(new Uri(Url, path));
            codes.Add((int)response.StatusCode);
        }

        return codes;
    }

    /// <summary>
    /// Sends GET <paramref name="path"/> until <paramref name="agent"/> exports its request-duration count: requests
    /// made before the agent's session began are in no total, so a test counts only requests sent after this.
    /// </summary>
    public Task<ScrapedSample> WarmUpAsync(Agent agent, string path, string route) =>
        Eventually.ValueAsync(
            async () =>
            {
                await GetAsync(path, 1);
                return (await agent.Metrics.ScrapeAsync()).FirstOrDefault(s => s.Name == "http_server_request_duration_seconds_count" && s["http_route"] == route);
            },
            TimeSpan.FromSeconds(90),
            () => agent.Process.Transcript);

    public void Dispose() => Process.Dispose();
}
