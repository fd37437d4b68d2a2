using System.Text.Json;
using System.Text.RegularExpressions;
using LeakWatch.EndToEnd.Tests.Harness;
using LeakWatch.EndToEnd.Tests.Snapshots;

namespace LeakWatch.EndToEnd.Tests.AsyncOperations;

/// <summary>
/// One name per async method everywhere the agent shows it (issue 13): a lambda, a local function and a generic
/// method, leaking in a real target, read the same on /metrics (the live count from TplEventSource's bare state
/// machine names and the target's metadata), in the triggered snapshot's JSON (ClrMD's heap type names) and in the
/// webhook the trigger posts (the snapshot's diff).
/// </summary>
public partial class AsyncMethodNamingEndToEndTests
{
    private const string LocalFunction = "Recommendations.SignalPoller.StartPolling.PollSignalsAsync";
    private const string GenericMethod = "Recommendations.ScoreCache.LoadAsync";

    [Fact]
    public async Task A_lambda_a_local_function_and_a_generic_method_are_named_alike_on_metrics_in_the_snapshot_and_in_the_webhook()
    {
        using var receiver = new WebhookReceiver();
        var directory = Path.Combine(Path.GetTempPath(), $"leakwatch-e2e-naming-{Guid.NewGuid():N}");
        try
        {
            using var app = await TestApp.StartAsync("async-naming", TestApp.Net10, "--rate", "10");
            // No baseline: the triggered snapshot is the first, so every pending chain counts as grown and reaches the webhook.
            using var agent = Agent.Attach(app.Pid, "--snapshot-dir", directory, "--snapshot-baseline", "false", "--max-pause", "30s",
                "--webhook", receiver.Url, "--output", "lines");

            using var webhook = JsonDocument.Parse((await receiver.FirstWithinAsync(TimeSpan.FromSeconds(150))).Body);
            Assert.Equal("task-leak", webhook.RootElement.GetProperty("rule").GetString());
            var inWebhook = webhook.RootElement.GetProperty("snapshot").GetProperty("topGrowing").EnumerateArray()
                .Where(g => g.GetProperty("kind").GetString() == "tasks")
                .Select(g => g.GetProperty("name").GetString()!)
                .Where(IsScenarioMethod).Order(StringComparer.Ordinal).ToList();

            var report = SnapshotJson.Parse(await File.ReadAllTextAsync(Directory.GetFiles(directory, "*-task-leak.json").Single()));
            var inSnapshot = report.TaskGroups.Where(g => g.Chain.Length > 1).Select(g => StateSuffix().Replace(g.Chain[1], ""))
                .Where(IsScenarioMethod).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

            var samples = await agent.Metrics.ScrapeAsync();
            var onMetrics = samples.Where(s => s.Name == "leakwatch_async_operations_pending" && s.Value > 0).Select(s => s["method"]!)
                .Where(IsScenarioMethod).Order(StringComparer.Ordinal).ToList();

            var lambda = Assert.Single(onMetrics, m => LambdaName().IsMatch(m));
            string[] expected = [lambda, GenericMethod, LocalFunction];
            Array.Sort(expected, StringComparer.Ordinal);
            Assert.Equal(expected, onMetrics);
            Assert.Equal(expected, inSnapshot);
            Assert.Equal(expected, inWebhook);
            Assert.Contains(agent.Process.StandardOutput, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"tasks in {System.Text.RegularExpressions.Regex.Escape(LocalFunction)}( \([^)]*\))? awaiting"));
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

    private static bool IsScenarioMethod(string name) => name.StartsWith("Recommendations.", StringComparison.Ordinal);

    [GeneratedRegex(@"^Recommendations\.ModelRefresher\.ScheduleRefresh\.lambda#\d+_\d+$")]
    private static partial Regex LambdaName();

    [GeneratedRegex(@" \(state -?\d+\)$")]
    private static partial Regex StateSuffix();
}
