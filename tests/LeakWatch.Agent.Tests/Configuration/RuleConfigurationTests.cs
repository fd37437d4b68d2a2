using LeakWatch.Core;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Tests.Configuration;

/// <summary>The rules section of the options: defaults, config file, rules file (JSON or YAML), environment, flags.</summary>
public sealed class RuleConfigurationTests : IDisposable
{
    private readonly OptionsFixture _files = new();

    private static Dictionary<string, string> Values(params (string Key, string Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    [Fact]
    public void No_configuration_gives_the_built_in_rules()
    {
        var options = OptionsFixture.Bind();

        Assert.Equal(RuleDefaults.BuiltIn, options.Rules.Rules);
        Assert.Empty(options.Rules.Webhooks);
    }

    [Fact]
    public void Json_and_yaml_files_bind_to_the_same_options()
    {
        var yaml = _files.Write("rules.yaml", """
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
        var json = _files.Write("rules.json", """
            {
              // comments are allowed
              "rules": [
                { "name": "thread-leak", "minSlope": 3, "window": "30s" },
                { "name": "queue", "kind": "threshold", "series": "orders_queue_length", "match": { "queue": "priority" }, "above": 100 },
              ],
              "throttle": { "cooldown": "2m", "maxActions": 5, "per": "2h" },
              "webhooks": [ "slack=http://127.0.0.1:9/hook" ]
            }
            """);

        var fromYaml = OptionsFixture.Bind(Values(("rulesFile", yaml))).Rules;
        var fromJson = OptionsFixture.Bind(Values(("rulesFile", json))).Rules;

        Assert.Equal(Describe(fromYaml), Describe(fromJson));
        Assert.Equal(3, fromYaml.Rules.Single(r => r.Name == "thread-leak").MinSlope);
        Assert.Equal("priority", fromYaml.Rules.Single(r => r.Name == "queue").Match["queue"]);
        Assert.Equal(new ThrottleOptions { Cooldown = TimeSpan.FromMinutes(2), MaxActions = 5, Per = TimeSpan.FromHours(2) }, fromYaml.Throttle);
        Assert.Equal(WebhookFormat.Slack, Assert.Single(fromYaml.Webhooks).Format);
    }

    [Fact]
    public void Flags_beat_environment_which_beats_the_file()
    {
        var file = _files.Write("rules.yaml", """
            rules:
              - name: threshold-process_num_threads
                kind: threshold
                series: process_num_threads
                above: 100
            webhooks: [ "http://127.0.0.1:9/file" ]
            """);
        var environment = Values(
            ("LEAKWATCH_RULES_FILE", file),
            ("LEAKWATCH_THRESHOLDS", "process_num_threads=200, dotnet_timer_count=5000"),
            ("LEAKWATCH_WEBHOOKS", "http://127.0.0.1:9/env"));

        var fromEnvironment = OptionsFixture.Bind(environment: environment).Rules;
        var fromFlags = OptionsFixture.Bind(Values(("thresholds", "process_num_threads=300"), ("webhooks", "http://127.0.0.1:9/flag")), environment).Rules;

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
    [InlineData("on")]
    public void No_default_rules_from_the_environment(string value)
    {
        Assert.Empty(OptionsFixture.Bind(environment: Values(("LEAKWATCH_NO_DEFAULT_RULES", value))).Rules.Rules);
    }

    [Fact]
    public void A_boolean_that_is_neither_true_nor_false_is_refused_not_taken_as_false()
    {
        var error = Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(environment: Values(("LEAKWATCH_NO_DEFAULT_RULES", "perhaps"))));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.Equal("LEAKWATCH_NO_DEFAULT_RULES: 'perhaps' is not true or false.", error.Message);
    }

    [Theory]
    [InlineData("rules.yaml", "rules:\n  - name: r\n    series: s\n    kind: spike\n", "rules file {0}: rule 'r': field 'kind' must be one of threshold, growth, not 'spike'.")]
    [InlineData("rules.json", "{ \"rules\": [ { \"name\": \"r\", \"series\": \"s\", \"minSlope\": 1, \"windw\": \"5s\" } ] }", "rules file {0}: 'rules[0].windw' is not a rule field")]
    [InlineData("rules.yaml", "interval: 5s\n", "rules file {0}: 'interval' is not a rules setting")]
    [InlineData("missing.yaml", null, "rules file {0} cannot be read: no such file.")]
    public void Invalid_files_are_one_line_configuration_errors(string name, string? content, string expected)
    {
        var path = content is null ? _files.PathOf(name) : _files.Write(name, content);

        var error = Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(Values(("rulesFile", path))));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("LEAKWATCH_THRESHOLDS", "process_num_threads", "LEAKWATCH_THRESHOLDS: 'process_num_threads' is not SERIES=VALUE")]
    [InlineData("LEAKWATCH_WEBHOOKS", "teams=https://example.com", "LEAKWATCH_WEBHOOKS: 'teams' is not a webhook format")]
    public void Invalid_shortcuts_name_their_variable(string variable, string text, string expected)
    {
        var error = Assert.Throws<LeakWatchException>(() => OptionsFixture.Bind(environment: Values((variable, text))));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static string Describe(RuleSetOptions options) =>
        string.Join("\n", options.Rules.Select(r => r with { Match = new SortedDictionary<string, string>(r.Match.ToDictionary()) }).Select(r => $"{r} {string.Join(",", r.Match)}"))
        + options.Throttle + string.Join(",", options.Webhooks);

    public void Dispose() => _files.Dispose();
}
