using System.CommandLine;
using LeakWatch.Agent.Targets;
using LeakWatch.Cli.Commands;

namespace LeakWatch.Cli.Tests.Commands;

/// <summary>The baseline snapshot is on by default; a flag value, the environment or the config file turns it off.</summary>
public class SnapshotBaselineParsingTests
{
    private static readonly TargetProcess Target = new(4242, "Orders", "dotnet Orders.dll", new Version(10, 0, 12));

    [Theory]
    [InlineData("attach -p 1", null, true)]
    [InlineData("attach -p 1 --snapshot-baseline", null, true)]
    [InlineData("attach -p 1 --snapshot-baseline false", null, false)]
    [InlineData("attach -p 1 --snapshot-baseline true", "false", true)]
    [InlineData("attach -p 1", "false", false)]
    [InlineData("attach -p 1", "off", false)]
    public void A_baseline_is_taken_unless_switched_off(string commandLine, string? environment, bool expected)
    {
        var variables = environment is null ? [] : new Dictionary<string, string> { ["LEAKWATCH_SNAPSHOT_BASELINE"] = environment };
        var watch = new WatchOptions { Environment = () => variables };
        var root = new RootCommand { new AttachCommand(watch) };
        var result = root.Parse(commandLine);

        Assert.Empty(result.Errors);
        Assert.Equal(expected, watch.Bind(result, Target).Snapshots.Baseline);
    }
}
