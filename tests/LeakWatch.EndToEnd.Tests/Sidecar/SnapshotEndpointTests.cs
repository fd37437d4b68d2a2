using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Snapshots;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary><c>POST /snapshots</c>: off without an API key, 401 with a wrong one, a snapshot with the right one, 429 while one runs.</summary>
public class SnapshotEndpointTests
{
    private const string Key = "e2e-key-4f1c9a-7b3d";

    [Fact]
    public async Task Without_a_configured_key_the_endpoint_is_off()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Attach(app.Pid, "--output", "lines");
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);

        using var response = await AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", Key);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("API key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await agent.Metrics.ScrapeAsync(), s => s.Name == "leakwatch_snapshots_total");
    }

    [Fact]
    public async Task The_key_from_the_environment_guards_it_and_the_right_key_gets_a_snapshot()
    {
        using var app = await TestApp.StartAsync("thread-leak", TestApp.Net10, "--rate", "20");
        using var agent = Agent.Start(
            ["attach", "--pid", AgentProbes.Text(app.Pid), "--output", "lines", "--max-pause", "30s", "--snapshot-baseline", "false"],
            new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key });
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);

        using (var missing = await AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", key: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        }

        using (var wrong = await AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", Key + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var unknown = await AgentProbes.PostSnapshotAsync(agent, "?pid=999999", Key))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var text = await AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", Key))
        {
            var body = await text.Content.ReadAsStringAsync();
            Assert.True(text.StatusCode == HttpStatusCode.OK, body);
            Assert.StartsWith("Snapshot (manual): ", body, StringComparison.Ordinal);
        }

        // One process watched: the pid may be left out. JSON on request.
        using (var json = await AgentProbes.PostSnapshotAsync(agent, "", Key, "application/json"))
        {
            var body = await json.Content.ReadAsStringAsync();
            Assert.True(json.StatusCode == HttpStatusCode.OK, body);
            var root = JsonDocument.Parse(body).RootElement;
            Assert.Equal(app.Pid, root.GetProperty("pid").GetInt32());
            Assert.Equal("manual", root.GetProperty("reason").GetString());
            Assert.True(root.GetProperty("threads").GetInt32() > 0);
        }

        await agent.Metrics.WaitForAsync("leakwatch_snapshots_total", s => s["reason"] == "manual" && s.Value == 2);
        await TargetChecks.AssertStillRunningAsync(app);
    }

    [Fact]
    public async Task A_bare_curl_POST_gets_the_snapshot_and_an_empty_pid_is_400()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Start(
            ["attach", "--pid", AgentProbes.Text(app.Pid), "--output", "lines", "--snapshot-baseline", "false"],
            new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = Key });
        await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);
        var url = $"http://127.0.0.1:{agent.Port}/snapshots";

        // As docs/snapshots.md shows it: no body, so curl sends no Content-Length (HttpListener answered 411 as HTML).
        var (status, body) = await CurlAsync("-X", "POST", "-H", $"Authorization: Bearer {Key}", $"{url}?pid={app.Pid}");
        Assert.True(status == "200", $"{status}: {body}");
        Assert.StartsWith("Snapshot (manual): ", body, StringComparison.Ordinal);

        var (jsonStatus, json) = await CurlAsync("-X", "POST", "-H", "Content-Length: 0", "-H", "Accept: application/json", "-H", $"Authorization: Bearer {Key}", url);
        Assert.True(jsonStatus == "200", $"{jsonStatus}: {json}");
        Assert.Equal(app.Pid, JsonDocument.Parse(json).RootElement.GetProperty("pid").GetInt32());

        var (emptyStatus, emptyBody) = await CurlAsync("-X", "POST", "-H", $"Authorization: Bearer {Key}", $"{url}?pid=");
        Assert.Equal("400", emptyStatus);
        Assert.StartsWith("pid must be a process id", Assert.Single(emptyBody.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        await TargetChecks.AssertStillRunningAsync(app);
    }

    /// <summary>curl's status code and body: the real client the docs name.</summary>
    private static async Task<(string Status, string Body)> CurlAsync(params string[] arguments)
    {
        using var curl = Process.Start(new ProcessStartInfo("curl", ["-sS", "--max-time", "60", "-w", "\n%{http_code}", .. arguments]) { RedirectStandardOutput = true })!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        var split = output.LastIndexOf('\n');
        return (output[(split + 1)..], output[..Math.Max(split, 0)]);
    }

    [Fact]
    public async Task A_second_request_while_a_snapshot_runs_is_answered_429_at_once()
    {
        // 1 000 blocked threads and 10 000 chains: a walk long enough for a second request to arrive during it.
        using var app = await TestApp.StartAsync("blocked-threads", TestApp.Net10, "--count", "1000");
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, Key + "\n");
        try
        {
            using var agent = Agent.Attach(app.Pid, "--output", "lines", "--max-pause", "30s", "--api-key-file", keyFile, "--snapshot-baseline", "false");
            await AgentProbes.WaitForStatusAsync(agent, "/readyz", HttpStatusCode.OK);

            // Three requests at once: one takes the snapshot, the others arrive during its walk.
            var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AgentProbes.PostSnapshotAsync(agent, $"?pid={app.Pid}", Key)));
            try
            {
                var statuses = responses.Select(r => r.StatusCode).ToList();
                Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
                Assert.Contains(HttpStatusCode.OK, statuses);
                var refused = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
                Assert.True(refused is not null, $"no request was refused: {string.Join(", ", statuses)}");
                Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            }
            finally
            {
                foreach (var response in responses)
                {
                    response.Dispose();
                }
            }

            await TargetChecks.AssertStillRunningAsync(app);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
