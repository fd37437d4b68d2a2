using System.Text.Json;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>A real Prometheus server on loopback, scraping one agent every second, with its data in a temp folder.</summary>
public sealed class PrometheusServer : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly DirectoryInfo _work;
    private readonly int _port;

    private PrometheusServer(DirectoryInfo work, int port, ProcessRunner process)
    {
        _work = work;
        _port = port;
        Process = process;
    }

    public ProcessRunner Process { get; }

    public static async Task<PrometheusServer> StartAsync(Agent agent, string job)
    {
        var prometheus = ExternalTool.Require("prometheus");
        var work = Directory.CreateTempSubdirectory("leakwatch-prometheus-");
        var config = Path.Combine(work.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: ["127.0.0.1:{agent.Port}"]
            """);
        var port = Agent.FreePort();
        var process = new ProcessRunner(prometheus,
        [
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(work.FullName, "data")}", $"--web.listen-address=127.0.0.1:{port}",
        ]);
        return new PrometheusServer(work, port, process);
    }

    /// <summary>The instant query API's result array, as JSON; throws unless Prometheus answers "success".</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        var body = await Http.GetStringAsync($"http://127.0.0.1:{_port}/api/v1/query?query={Uri.EscapeDataString(expression)}");
        var root = JsonDocument.Parse(body).RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"query {expression} failed: {body}");
        }

        return root.GetProperty("data").GetProperty("result").Clone();
    }

    public void Dispose()
    {
        Process.Dispose();
        _work.Delete(recursive: true);
    }
}
