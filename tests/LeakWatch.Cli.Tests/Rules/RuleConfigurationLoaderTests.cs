using LeakWatch.Agent.Rules;
using LeakWatch.Core;
using LeakWatch.Core.Rules;

namespace LeakWatch.Cli.Tests.Rules;

/// <summary>The layers of rule configuration: defaults, file (JSON or YAML), environment, flags.</summary>
public sealed class RuleConfigurationLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("leakwatch-rules-tests-").FullName;

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void No_configuration_gives_the_built_in_rules()
    {
        var options = RuleConfigurationLoader.Load(new RuleSources(), Environment());

        Assert.Equal(RuleDefaults.BuiltIn, options.Rules);
        Assert.Empty(options.Webhooks);
    }

    [Fact]
    public void Json_and_yaml_files_bind_to_the_same_options()
    {
        var yaml = Write("rules.yaml", """
            rules:
              - name: thread-leak
                minSlope: 3
                window: 30s
              - name: queue
                kind: threshold
                series: orders_queue_length
                match: { queue: priority }
                above: 100
            throttle: { cooldown: 2m, maxActions: 5, per: 2h }
            webhooks: [ "slack=http://127.0.0.1:9/hook" ]
            """);
        var json = Write("rules.json", """
            {
              // comments are allowed
              "rules": [
                { "name": "thread-leak", "minSlope": 3, "window": "30s" },
                { "name": "queue", "kind": "threshold", "series": "orders_queue_length", "match": { "queue": "priority" }, "above": 100 }
              ],
              "throttle": { "cooldown": "2m", "maxActions": 5, "per": "2h" },
              "webhooks": [ "slack=http://127.0.0.1:9/hook" ]
            }
            """);

        var fromYaml = RuleConfigurationLoader.Load(new RuleSources { RulesFile = yaml }, Environment());
        var fromJson = RuleConfigurationLoader.Load(new RuleSources { RulesFile = json }, Environment());

        Assert.Equal(Describe(fromYaml), Describe(fromJson));
        Assert.Equal(3, fromYaml.Rules.Single(r => r.Name == "thread-leak").MinSlope);
        Assert.Equal("priority", fromYaml.Rules.Single(r => r.Name == "queue").Match["queue"]);
        Assert.Equal(new ThrottleOptions { Cooldown = TimeSpan.FromMinutes(2), MaxActions = 5, Per = TimeSpan.FromHours(2) }, fromYaml.Throttle);
        Assert.Equal(WebhookFormat.Slack, Assert.Single(fromYaml.Webhooks).Format);
    }

    [Fact]
    public void Flags_beat_environment_which_beats_the_file()
    {
        var file = Write("rules.yaml", """
            rules:
              - name: threshold-process_num_threads
                kind: threshold
                series: process_num_threads
                above: 100
            webhooks: [ "http://127.0.0.1:9/file" ]
            """);
        var environment = Environment(
            ("LEAKWATCH_RULES_FILE", file),
            ("LEAKWATCH_THRESHOLDS", "process_num_threads=200, dotnet_timer_count=5000"),
            ("LEAKWATCH_WEBHOOKS", "http://127.0.0.1:9/env"));

        var fromEnvironment = RuleConfigurationLoader.Load(new RuleSources(), environment);
        var fromFlags = RuleConfigurationLoader.Load(
            new RuleSources { Thresholds = ["process_num_threads=300"], Webhooks = ["http://127.0.0.1:9/flag"] }, environment);

        Assert.Equal(200, fromEnvironment.Rules.Single(r => r.Name == "threshold-process_num_threads").Above);
        Assert.Equal(5000, fromEnvironment.Rules.Single(r => r.Name == "threshold-dotnet_timer_count").Above);
        Assert.Equal("/env", Assert.Single(fromEnvironment.Webhooks).Url.AbsolutePath);
        Assert.Equal(300, fromFlags.Rules.Single(r => r.Name == "threshold-process_num_threads").Above);
        Assert.Equal("/flag", Assert.Single(fromFlags.Webhooks).Url.AbsolutePath);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("YES")]
    public void No_default_rules_from_the_environment(string value)
    {
        var options = RuleConfigurationLoader.Load(new RuleSources(), Environment(("LEAKWATCH_NO_DEFAULT_RULES", value)));

        Assert.Empty(options.Rules);
    }

    [Theory]
    [InlineData("rules.yaml", "rules:\n  - name: r\n    series: s\n    kind: spike\n", "rules file {0}: rule 'r': field 'kind' must be one of threshold, growth, not 'spike'.")]
    [InlineData("rules.json", "{ \"rules\": [ { \"name\": \"r\", \"series\": \"s\", \"minSlope\": 1, \"windw\": \"5s\" } ] }", "rules file {0}: not valid JSON for leakwatch rules at $.rules[0].windw")]
    [InlineData("missing.yaml", null, "rules file {0} cannot be read")]
    public void Invalid_files_are_one_line_configuration_errors(string name, string? content, string expected)
    {
        var path = content is null ? Path.Combine(_directory, name) : Write(name, content);

        var error = Assert.Throws<LeakWatchException>(() => RuleConfigurationLoader.Load(new RuleSources { RulesFile = path }, Environment()));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("--threshold", "process_num_threads")]
    [InlineData("--webhook", "teams=https://example.com")]
    public void Invalid_shortcuts_name_their_flag(string flag, string text)
    {
        var sources = flag == "--threshold" ? new RuleSources { Thresholds = [text] } : new RuleSources { Webhooks = [text] };

        var error = Assert.Throws<LeakWatchException>(() => RuleConfigurationLoader.Load(sources, Environment()));

        Assert.StartsWith(flag + " ", error.Message, StringComparison.Ordinal);
    }

    private static string Describe(RuleSetOptions options) =>
        string.Join("\n", options.Rules.Select(r => r with { Match = new SortedDictionary<string, string>(r.Match.ToDictionary()) }).Select(r => $"{r} {string.Join(",", r.Match)}"))
        + options.Throttle + string.Join(",", options.Webhooks);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
