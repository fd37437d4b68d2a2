using LeakWatch.Core;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Tests.Configuration;

/// <summary>One config file for everything, its precedence under variables and flags, and reads that stay bounded.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private const string Everything = """
        urls: http://127.0.0.1:9600
        interval: 2s
        duration: 10m
        labels: { service: orders }
        snapshotVia: dump
        maxPause: 250ms
        asyncOps: off
        asyncOpsTop: 25
        asyncOpsBufferMB: 8
        thresholds: [ "dotnet_timer_count=5000" ]
        webhooks: [ "slack=http://127.0.0.1:9/hook" ]
        throttle: { cooldown: 2m, maxActions: 5, per: 2h }
        rules:
          - name: thread-leak
            minSlope: 3
          - name: queue
            kind: threshold
            series: orders_queue_length
            above: 100
        """;

    private readonly OptionsFixture _files = new();

    private static Dictionary<string, string> Values(params (string Key, string Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    [Fact]
    public void A_file_with_rules_webhooks_throttling_and_async_settings_binds_every_section()
    {
        var options = OptionsFixture.Bind(configFile: _files.Write("leakwatch.yaml", Everything));

        Assert.Equal(new Uri("http://127.0.0.1:9600"), options.Http.Url);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Counters.Interval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Duration);
        Assert.Equal("orders", options.Labels["service"]);
        Assert.Equal(LeakWatch.Agent.Snapshots.SnapshotRoute.Dump, options.Snapshots.Snapshot.Route);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Snapshots.Snapshot.MaxPause);
        Assert.False(options.AsyncOperations.Enabled);
        Assert.Equal(25, options.AsyncOperations.Tracking.TopMethods);
        Assert.Equal(8, options.AsyncOperations.BufferSizeMB);
        Assert.Equal(3, options.Rules.Rules.Single(r => r.Name == "thread-leak").MinSlope);
        Assert.Equal(100, options.Rules.Rules.Single(r => r.Name == "queue").Above);
        Assert.Equal(5000, options.Rules.Rules.Single(r => r.Name == "threshold-dotnet_timer_count").Above);
        Assert.Equal(new ThrottleOptions { Cooldown = TimeSpan.FromMinutes(2), MaxActions = 5, Per = TimeSpan.FromHours(2) }, options.Rules.Throttle);
        Assert.Equal(WebhookFormat.Slack, Assert.Single(options.Rules.Webhooks).Format);
    }

    [Fact]
    public void Variables_beat_the_file_and_flags_beat_both()
    {
        var file = _files.Write("leakwatch.yaml", Everything);
        var environment = Values(
            ("LEAKWATCH_ASYNC_OPS", "on"), ("LEAKWATCH_ASYNC_OPS_TOP", "30"), ("LEAKWATCH_DURATION", "5m"),
            ("LEAKWATCH_WEBHOOKS", "http://127.0.0.1:9/env"), ("LEAKWATCH_THRESHOLDS", "dotnet_timer_count=6000"));

        var fromEnvironment = OptionsFixture.Bind(environment: environment, configFile: file);
        var fromFlags = OptionsFixture.Bind(
            Values(("asyncOpsTop", "40"), ("duration", "1m"), ("webhooks", "http://127.0.0.1:9/flag"), ("thresholds", "dotnet_timer_count=7000")), environment, file);

        Assert.True(fromEnvironment.AsyncOperations.Enabled);
        Assert.Equal(30, fromEnvironment.AsyncOperations.Tracking.TopMethods);
        Assert.Equal(TimeSpan.FromMinutes(5), fromEnvironment.Duration);
        Assert.Equal("/env", Assert.Single(fromEnvironment.Rules.Webhooks).Url.AbsolutePath);
        Assert.Equal(6000, fromEnvironment.Rules.Rules.Single(r => r.Name == "threshold-dotnet_timer_count").Above);
        Assert.Equal(40, fromFlags.AsyncOperations.Tracking.TopMethods);
        Assert.Equal(TimeSpan.FromMinutes(1), fromFlags.Duration);
        Assert.Equal("/flag", Assert.Single(fromFlags.Rules.Webhooks).Url.AbsolutePath);
        Assert.Equal(7000, fromFlags.Rules.Rules.Single(r => r.Name == "threshold-dotnet_timer_count").Above);
        Assert.Equal(TimeSpan.FromSeconds(2), fromFlags.Counters.Interval); // only the file gives it
    }

    [Theory]
    [InlineData("asyncOpsTop: abc\n", "'asyncOpsTop' in {0}: 'abc' is not a whole number from 1 to 200.")]
    [InlineData("asyncOps: perhaps\n", "'asyncOps' in {0}: 'perhaps' is not true or false.")]
    [InlineData("duration: 99999999h\n", "'duration' in {0}: '99999999h' is longer than the maximum of 576h.")]
    [InlineData("interval: 10000d\n", "'interval' in {0}: '10000d' is longer than the maximum of 1h.")]
    [InlineData("rules:\n  - name: queue\n    kind: threshold\n    series: q\n    above: lots\n", "config file {0}: 'rules[0].above' (line 5) must be a number, not 'lots'.")]
    [InlineData("throttle: { cooldown: soon }\n", "config file {0}: rule '(throttle)': field 'cooldown' must be a duration")]
    [InlineData("webhooks: [ \"ftp://x\" ]\n", "'webhooks' in {0}: 'ftp://x' is not an http:// or https:// URL.")]
    [InlineData("intervall: 5s\n", "'intervall' in {0} is not a setting")]
    public void Errors_name_the_file_and_the_field(string content, string expected)
    {
        var path = _files.Write("bad.yaml", content);

        var error = Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(configFile: path));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_before_it_can_overflow_the_stack()
    {
        var yaml = _files.Write("deep.yaml", "labels: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        var json = _files.Write("deep.json", "{\"labels\": " + new string('[', 100_000) + new string(']', 100_000) + "}");

        Assert.Contains("nests deeper than 32 levels", Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(configFile: yaml)).Message, StringComparison.Ordinal);
        Assert.Contains("is not valid JSON", Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(configFile: json)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/zero", "is not a regular file")]
    [InlineData("/tmp", "is not a regular file")]
    public void Special_files_are_refused(string path, string expected)
    {
        var error = Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(configFile: path));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_over_the_size_limit_are_refused()
    {
        var path = _files.Write("huge.yaml", "# " + new string('x', 2 * 1024 * 1024) + "\n");

        Assert.Contains("is larger than 1 MiB", Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(Values(("rulesFile", path)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_are_refused()
    {
        var path = _files.Write("alias.yaml", "labels: &l { service: orders }\nmeters: *l\n");

        Assert.Contains("aliases", Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(configFile: path)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
