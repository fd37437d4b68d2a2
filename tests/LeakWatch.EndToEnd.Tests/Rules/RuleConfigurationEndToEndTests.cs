using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Rules;

/// <summary>Rules from a file, flags and environment variables, through the real CLI.</summary>
public sealed class RuleConfigurationEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("leakwatch-rules-").FullName;

    [Fact]
    public async Task A_yaml_rules_file_adds_a_threshold_rule_and_switches_a_default_off()
    {
        var file = Write("rules.yaml", """
            rules:
              - name: many-threads
                kind: threshold
                series: process_num_threads
                above: 3
                for: 2s
              - name: fd-leak
                enabled: false
            throttle:
              cooldown: 1m
            """);
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Attach(app.Pid, "--rules", file, "-o", "lines");

        var fired = await agent.Metrics.WaitForAsync("leakwatch_leak_suspected", s => s["rule"] == "many-threads" && s.Value == 1);

        Assert.Equal("process_num_threads", fired["signal"]);
        var rules = (await agent.Metrics.ScrapeAsync()).Where(s => s.Name == "leakwatch_leak_suspected").Select(s => s["rule"]).ToList();
        Assert.DoesNotContain("fd-leak", rules);
        Assert.Contains("thread-leak", rules);
    }

    [Fact]
    public async Task Thresholds_come_from_the_environment_and_defaults_can_be_switched_off()
    {
        using var app = await TestApp.StartAsync("steady");
        var environment = new Dictionary<string, string>
        {
            ["LEAKWATCH_THRESHOLDS"] = "process_num_threads=2",
            ["LEAKWATCH_NO_DEFAULT_RULES"] = "true",
        };
        using var agent = Agent.Start(["attach", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture)], environment);

        await agent.Metrics.WaitForAsync("leakwatch_rule_triggers_total", s => s["rule"] == "threshold-process_num_threads" && s.Value == 1);

        var rules = (await agent.Metrics.ScrapeAsync()).Where(s => s.Name == "leakwatch_leak_suspected").Select(s => s["rule"]).Distinct();
        Assert.Equal(["threshold-process_num_threads"], rules);
    }

    public static TheoryData<string, string, string[]> InvalidFiles => new()
    {
        { "bad.yaml", "rules:\n  - name: slow-threads\n    series: process_num_threads\n    minSlope: -1\n", ["rule 'slow-threads'", "field 'minSlope'"] },
        { "bad.json", """{ "rules": [ { "name": "queue", "kind": "threshold", "series": "dotnet_thread_pool_queue_length", "above": 10, "for": "soon" } ] }""", ["rule 'queue'", "field 'for'"] },
        { "typo.yaml", "rules:\n  - name: x\n    seires: process_num_threads\n", ["line 3", "seires"] },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public async Task An_invalid_rules_file_is_a_one_line_error_naming_file_rule_and_field(string name, string content, string[] expected)
    {
        var file = Write(name, content);

        var (exitCode, _, standardError) = await Agent.RunAsync("attach", "--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--rules", file);

        Assert.Equal(7, exitCode);
        var message = Assert.Single(standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"leakwatch: rules file {file}", message, StringComparison.Ordinal);
        Assert.All(expected, part => Assert.Contains(part, message, StringComparison.Ordinal));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
