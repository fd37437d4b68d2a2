using LeakWatch.Cli.Commands;

namespace LeakWatch.Cli.Tests.Rules;

public class RuleOptionParsingTests
{
    [Theory]
    [InlineData("attach --pid 1 --threshold process_num_threads", "--threshold 'process_num_threads' is not SERIES=VALUE")]
    [InlineData("attach --pid 1 --growth process_open_fds=0", "--growth 'process_open_fds=0': minSlope")]
    [InlineData("attach --pid 1 --webhook ftp://example.com/hook", "--webhook 'ftp://example.com/hook' is not an http:// or https:// URL")]
    [InlineData("attach --pid 1 --webhook teams=https://example.com", "--webhook 'teams' is not a webhook format")]
    public void Rule_shortcuts_are_checked_when_parsing(string commandLine, string expectedError)
    {
        var result = LeakWatchCli.CreateRootCommand().Parse(commandLine);

        Assert.Contains(result.Errors, e => e.Message.StartsWith(expectedError, StringComparison.Ordinal));
    }

    [Fact]
    public void Rule_options_bind_to_rule_sources()
    {
        var root = LeakWatchCli.CreateRootCommand();
        var result = root.Parse("attach --pid 1 --rules r.yaml --threshold a=1 --threshold b=2 --growth c=0.5 --webhook http://127.0.0.1:9/h --no-default-rules");
        var attach = root.Subcommands.OfType<AttachCommand>().Single();

        var sources = attach.Watch.BindRules(result);

        Assert.Empty(result.Errors);
        Assert.Equal("r.yaml", sources.RulesFile);
        Assert.Equal(["a=1", "b=2"], sources.Thresholds);
        Assert.Equal(["c=0.5"], sources.Growth);
        Assert.Equal(["http://127.0.0.1:9/h"], sources.Webhooks);
        Assert.True(sources.NoDefaultRules);
    }
}
