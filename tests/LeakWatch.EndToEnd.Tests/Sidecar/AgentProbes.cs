using System.Globalization;
using System.Net;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary>What the sidecar tests ask a running agent: probe status codes, and which pids its series carry.</summary>
internal static class AgentProbes
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<HttpStatusCode> GetStatusAsync(Agent agent, string path)
    {
        using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{agent.Port}{path}"));
        return response.StatusCode;
    }

    public static Task WaitForStatusAsync(Agent agent, string path, HttpStatusCode expected) =>
        Eventually.TrueAsync(async () => await GetStatusAsync(agent, path) == expected, Eventually.DefaultTimeout, () => $"{path} never answered {expected}\n{agent.Process.Transcript}");

    public static string Text(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Waits until a series of that name carries the pid (counters flow for that process).</summary>
    public static Task WaitForPidAsync(Agent agent, string metric, int pid) =>
        agent.Metrics.WaitForAsync(metric, s => s["pid"] == Text(pid));

    /// <summary>Waits until no series at all carries the pid (a gone process is dropped from /metrics).</summary>
    public static Task WaitUntilGoneAsync(Agent agent, int pid) =>
        Eventually.TrueAsync(
            async () => !(await agent.Metrics.ScrapeAsync()).Any(s => s["pid"] == Text(pid)),
            Eventually.DefaultTimeout,
            () => $"series of pid {pid} are still on /metrics\n{agent.Process.Transcript}");

    public static async Task<HttpResponseMessage> PostSnapshotAsync(Agent agent, string query, string? key, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{agent.Port}/snapshots{query}"));
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await Http.SendAsync(request);
    }
}
