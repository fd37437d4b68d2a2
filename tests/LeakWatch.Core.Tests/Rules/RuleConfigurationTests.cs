using LeakWatch.Core.Rules;

namespace LeakWatch.Core.Tests.Rules;

public class RuleConfigurationTests
{
    [Fact]
    public void Built_in_rules_are_valid()
    {
        Assert.Empty(RuleValidator.Validate(new RuleSetOptions()));
        Assert.Equal(
            ["thread-leak", "task-leak", "timer-leak", "threadpool-starvation", "fd-leak", "heap-leak", "async-dropped"],
            RuleDefaults.BuiltIn.Select(r => r.Name));
    }

    public static TheoryData<string, RuleDocument, string> InvalidEntries => new()
    {
        { "unknown kind", new RuleDocument { Name = "r", Series = "s", Kind = "spike", MinSlope = 1 }, "rule 'r': field 'kind' must be one of threshold, growth, not 'spike'" },
        { "bad duration", new RuleDocument { Name = "r", Series = "s", MinSlope = 1, Window = "twenty" }, "rule 'r': field 'window' must be a duration" },
        { "growth without floor", new RuleDocument { Name = "r", Series = "s" }, "rule 'r': field 'minSlope' must be a positive rate" },
        { "threshold without value", new RuleDocument { Name = "r", Series = "s", Kind = "threshold" }, "rule 'r': field 'above' is required" },
        { "new rule without series", new RuleDocument { Name = "r", MinSlope = 1 }, "rule 'r': field 'series' is required" },
        { "bad series name", new RuleDocument { Name = "r", Series = "process threads", MinSlope = 1 }, "rule 'r': field 'series' must be a Prometheus series name" },
        { "rising fraction above 1", new RuleDocument { Name = "thread-leak", MinRisingFraction = 2 }, "rule 'thread-leak': field 'minRisingFraction' must be between 0 and 1" },
        { "fallback without series", new RuleDocument { Name = "r", Series = "s", MinSlope = 1, Fallback = new SignalDocument { MinSlope = 1 } }, "rule 'r': field 'fallback.series' is required" },
        { "nameless rule", new RuleDocument { Series = "s", MinSlope = 1 }, "rule '#1': field 'name' is required" },
    };

    [Theory]
    [MemberData(nameof(InvalidEntries))]
    public void Invalid_entries_name_the_rule_and_the_field(string name, RuleDocument entry, string expected)
    {
        RulesDocumentBinder.Bind(new RulesDocument { Rules = [entry] }, new RuleSetOptions(), out var errors);

        Assert.True(errors.Count > 0, $"{name}: no error");
        Assert.StartsWith(expected, errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_named_like_a_built_in_rule_changes_only_its_fields()
    {
        var document = new RulesDocument
        {
            Rules =
            [
                new RuleDocument { Name = "thread-leak", MinSlope = 3, Window = "30s" },
                new RuleDocument { Name = "fd-leak", Enabled = false },
                new RuleDocument { Name = "orders-queue", Kind = "threshold", Series = "orders_queue_length", Above = 1000 },
            ],
            Throttle = new ThrottleDocument { Cooldown = "2m" },
        };

        var options = RulesDocumentBinder.Bind(document, new RuleSetOptions(), out var errors);

        Assert.Empty(errors);
        var thread = options.Rules.Single(r => r.Name == "thread-leak");
        Assert.Equal(3, thread.MinSlope);
        Assert.Equal(TimeSpan.FromSeconds(30), thread.Window);
        Assert.Equal("process_num_threads", thread.Series);
        Assert.DoesNotContain(options.ActiveRules, r => r.Name == "fd-leak");
        var custom = options.Rules.Single(r => r.Name == "orders-queue");
        Assert.Equal(RuleKind.Threshold, custom.Kind);
        Assert.Equal(RuleDefaults.ThresholdFor, custom.For);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Throttle.Cooldown);
        Assert.Equal(RuleDefaults.MaxActions, options.Throttle.MaxActions);
    }

    [Fact]
    public void DefaultRules_false_starts_from_nothing()
    {
        var options = RulesDocumentBinder.Bind(new RulesDocument { DefaultRules = false }, new RuleSetOptions(), out var errors);

        Assert.Empty(errors);
        Assert.Empty(options.Rules);
    }

    public static TheoryData<string, bool, string, double> Shortcuts => new()
    {
        { "process_num_threads=500", true, "threshold-process_num_threads", 500 },
        { "dotnet_timer_count = 1e4", true, "threshold-dotnet_timer_count", 10000 },
        { "process_num_threads", false, "", 0 },
        { "=5", false, "", 0 },
        { "process_num_threads=lots", false, "", 0 },
    };

    [Theory]
    [MemberData(nameof(Shortcuts))]
    public void Threshold_shortcut_makes_a_threshold_rule(string text, bool valid, string name, double above)
    {
        var ok = RuleShortcuts.TryParseThreshold(text, out var rule, out var error);

        Assert.Equal(valid, ok);
        if (valid)
        {
            Assert.Equal(name, rule.Name);
            Assert.Equal(above, rule.Above);
            Assert.Equal(RuleKind.Threshold, rule.Kind);
        }
        else
        {
            Assert.Contains("SERIES=VALUE", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Growth_shortcut_refuses_a_floor_of_zero()
    {
        Assert.True(RuleShortcuts.TryParseGrowth("orders_pending=2", out var rule, out _));
        Assert.Equal(2, rule.MinSlope);
        Assert.False(RuleShortcuts.TryParseGrowth("orders_pending=0", out _, out var error));
        Assert.Contains("minSlope", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool, WebhookFormat> Webhooks => new()
    {
        { "http://127.0.0.1:9000/hook", true, WebhookFormat.Generic },
        { "https://hooks.slack.com/services/T000/B000/XXX", true, WebhookFormat.Slack },
        { "https://oapi.dingtalk.com/robot/send?access_token=abc", true, WebhookFormat.DingTalk },
        { "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", true, WebhookFormat.WeCom },
        { "slack=https://chat.example.com/hooks/1?x=y", true, WebhookFormat.Slack },
        { "WeCom=http://proxy.local/robot", true, WebhookFormat.WeCom },
        { "teams=https://example.com", false, WebhookFormat.Generic },
        { "ftp://example.com/hook", false, WebhookFormat.Generic },
        { "not a url", false, WebhookFormat.Generic },
    };

    [Theory]
    [MemberData(nameof(Webhooks))]
    public void Webhook_format_comes_from_a_prefix_or_the_host(string text, bool valid, WebhookFormat format)
    {
        var ok = WebhookParser.TryParse(text, out var webhook, out var error);

        Assert.True(ok == valid, error);
        if (valid)
        {
            Assert.Equal(format, webhook.Format);
        }
    }
}
