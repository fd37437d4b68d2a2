using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Snapshots;

/// <summary>The on-trigger path of <c>attach</c>: baseline, a snapshot on demand, files, the diff headline and /metrics.</summary>
public class SnapshotOnTriggerTests
{
    [Fact]
    public async Task A_snapshot_after_the_baseline_headlines_the_leaking_threads_and_is_on_metrics()
    {
        using var app = await TestApp.StartAsync("thread-leak", TestApp.Net10, "--rate", "20");
        var directory = Path.Combine(Path.GetTempPath(), $"leakwatch-e2e-snapshots-{Guid.NewGuid():N}");
        try
        {
            using var agent = Agent.Start(
                ["attach", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture), "--snapshot-dir", directory, "--snapshot-baseline", "--max-pause", "30s", "--output", "lines"],
                new Dictionary<string, string> { ["LEAKWATCH_API_KEY"] = "trigger-test-key" });
            await agent.Metrics.WaitForAsync("leakwatch_snapshots_total", s => s["reason"] == "baseline");
            await Eventually.TrueAsync(() => Task.FromResult(app.Status("leaked_threads") >= 60), Eventually.DefaultTimeout, () => "the leak did not grow");

            using var http = new HttpClient();
            var succeeded = false;
            // The thread-leak rule may be taking its own snapshot right now (429): ask again.
            var summary = await Eventually.ValueAsync(
                async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{agent.Port}/snapshots?pid={app.Pid}"));
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "trigger-test-key");
                    using var response = await http.SendAsync(request);
                    succeeded = response.IsSuccessStatusCode;
                    return response.StatusCode == System.Net.HttpStatusCode.TooManyRequests ? null : await response.Content.ReadAsStringAsync();
                },
                Eventually.DefaultTimeout,
                () => "every POST /snapshots was refused with 429");

            Assert.True(succeeded, summary);
            Assert.Matches(@"\+\d+ threads in Orders\.AckWaiter\.WaitForAck \(AckWaiter\.cs:\d+, now \d+\) since", summary);
            var files = Directory.GetFiles(directory).Select(Path.GetFileName).ToList();
            Assert.Contains(files, f => f!.EndsWith("-baseline.json", StringComparison.Ordinal));
            foreach (var extension in new[] { "json", "txt", "folded" })
            {
                Assert.Contains(files, f => f!.EndsWith($"-manual.{extension}", StringComparison.Ordinal));
            }

            var text = await File.ReadAllTextAsync(Directory.GetFiles(directory, "*-manual.txt").Single());
            Assert.StartsWith("Grew since the snapshot at ", text, StringComparison.Ordinal);

            var samples = await agent.Metrics.ScrapeAsync();
            var pid = app.Pid.ToString(CultureInfo.InvariantCulture);
            Assert.Contains(samples, s => s.Name == "leakwatch_snapshots_total" && s["reason"] == "manual" && s["pid"] == pid && s.Value == 1);
            Assert.Contains(samples, s => s.Name == "leakwatch_snapshot_pause_seconds" && s.Value > 0);
            Assert.Contains(samples, s => s.Name == "leakwatch_snapshot_duration_seconds" && s.Value > 0);
            var leak = Assert.Single(samples, s => s.Name == "leakwatch_threads_by_stack" && s["stack"]!.Contains("Orders.AckWaiter.WaitForAck", StringComparison.Ordinal));
            Assert.True(leak.Value >= 60);
            Assert.InRange(samples.Count(s => s.Name == "leakwatch_threads_by_stack"), 1, 10);
            await TargetChecks.AssertStillRunningAsync(app);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
