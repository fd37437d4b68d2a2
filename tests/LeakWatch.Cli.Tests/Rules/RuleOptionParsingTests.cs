using LeakWatch.Cli.Commands;

namespace LeakWatch.Cli.Tests.Rules;

public class RuleOptionParsingTests
{
    [Theory]
    [InlineData("attach --pid 1 --threshold process_num_threads", "--threshold: 'process_num_threads' is not SERIES=VALUE")]
    [InlineData("attach --pid 1 --growth process_open_fds=0", "--growth: 'process_open_fds=0': minSlope")]
    [InlineData("attach --pid 1 --webhook ftp://example.com/hook", "--webhook: 'ftp://example.com/hook' is not an http:// or https:// URL")]
    [InlineData("attach --pid 1 --webhook teams=https://example.com", "--webhook: 'teams' is not a webhook format")]
    public void Rule_shortcuts_are_checked_when_parsing(string commandLine, string expectedError)
    {
        var result = LeakWatchCli.CreateRootCommand().Parse(commandLine);

        Assert.Contains(result.Errors, e => e.Message.StartsWith(expectedError, StringComparison.Ordinal));
    }

    [Fact]
    public void Rule_options_bind_to_the_rules_section()
    {
        var root = LeakWatchCli.CreateRootCommand();
        var result = root.Parse("attach --all --threshold a=1 --threshold b=2 --growth c=0.5 --webhook http://127.0.0.1:9/h --no-default-rules --async-ops off --async-ops-top 20");
        var attach = root.Subcommands.OfType<AttachCommand>().Single();

        var options = attach.Watch.Bind(result, null);

        Assert.Empty(result.Errors);
        Assert.Equal(["threshold-a", "threshold-b", "growth-c"], options.Rules.Rules.Select(r => r.Name));
        Assert.Equal("/h", Assert.Single(options.Rules.Webhooks).Url.AbsolutePath);
        Assert.False(options.AsyncOperations.Enabled);
        Assert.Equal(20, options.AsyncOperations.Tracking.TopMethods);
    }

    [Theory]
    [InlineData("attach --pid 1 --async-ops-top abc", "--async-ops-top: 'abc' is not a whole number from 1 to 200.")]
    [InlineData("attach --pid 1 --async-ops maybe", "--async-ops: 'maybe' is not true or false.")]
    [InlineData("attach --pid 1 --duration 99999999h", "--duration: '99999999h' is longer than the maximum of 576h.")]
    [InlineData("attach --pid 1 --interval 10000d", "--interval: '10000d' is longer than the maximum of 1h.")]
    public void Counts_booleans_and_durations_are_range_checked_when_parsing(string commandLine, string expectedError)
    {
        var result = LeakWatchCli.CreateRootCommand().Parse(commandLine);

        Assert.Contains(result.Errors, e => e.Message == expectedError);
    }
}
