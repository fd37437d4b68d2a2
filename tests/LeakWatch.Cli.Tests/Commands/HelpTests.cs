namespace LeakWatch.Cli.Tests.Commands;

/// <summary>--help and --version, as a person reads them.</summary>
public class HelpTests
{
    private static async Task<string> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var exitCode = await LeakWatchCli.RunAsync(args, output, new StringWriter());
        Assert.Equal(0, exitCode);
        return output.ToString();
    }

    [Fact]
    public async Task Root_help_lists_every_command_with_a_description()
    {
        var help = await RunAsync("--help");

        Assert.Contains("Finds thread and async-task leaks in running .NET processes.", help, StringComparison.Ordinal);
        foreach (var command in new[] { "ps", "attach", "demo" })
        {
            Assert.Matches($@"(?m)^\s+{command}\s+\S", help);
        }
    }

    [Theory]
    [InlineData("attach", "--pid", "--name", "--urls", "--interval", "--duration", "--label", "--meter", "--output")]
    [InlineData("demo", "--urls", "--interval", "--duration", "--label", "--meter", "--output")]
    public async Task Command_help_describes_every_option(string command, params string[] options)
    {
        var help = await RunAsync(command, "--help");

        foreach (var option in options)
        {
            Assert.Matches($@"(?m)^\s+(-\w, )?{option}\b.*\S", help);
        }

        Assert.Contains("http://127.0.0.1:9473", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_package_version()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", await RunAsync("--version"));
    }
}
