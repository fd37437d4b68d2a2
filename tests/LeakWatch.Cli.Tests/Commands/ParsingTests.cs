using System.CommandLine;
using LeakWatch.Agent.Targets;
using LeakWatch.Cli.Commands;

namespace LeakWatch.Cli.Tests.Commands;

/// <summary>Raw command lines in, bound options out: what a user types is what the agent gets.</summary>
public class ParsingTests
{
    private static readonly TargetProcess Target = new(4242, "Orders", "dotnet Orders.dll", new Version(10, 0, 12));

    private static (AttachCommand Command, ParseResult Result) ParseAttach(string commandLine)
    {
        var root = LeakWatchCli.CreateRootCommand();
        var result = root.Parse(commandLine);
        return ((AttachCommand)result.CommandResult.Command, result);
    }

    [Fact]
    public void Attach_binds_every_option()
    {
        var (command, result) = ParseAttach("attach --pid 4242 --interval 500ms --duration 10m --label service=orders --label team=payments --meter Orders.Api --meter Shop --urls http://0.0.0.0:9500 --output json");

        Assert.Empty(result.Errors);
        Assert.Equal(4242, result.GetValue(command.Target.Pid));
        var options = command.Watch.Bind(result, Target);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Counters.Interval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Duration);
        Assert.Equal(new Dictionary<string, string> { ["service"] = "orders", ["team"] = "payments" }, options.Labels);
        Assert.Equal(["Orders.Api", "Shop"], options.Counters.Meters);
        Assert.Equal(new Uri("http://0.0.0.0:9500"), options.Http.Url);
        Assert.Equal(LeakWatch.Cli.Rendering.OutputMode.Json, result.GetValue(command.Watch.Output));
    }

    [Fact]
    public void Attach_defaults_are_the_documented_ones()
    {
        var (command, result) = ParseAttach("attach -p 1");

        var options = command.Watch.Bind(result, Target);
        Assert.Equal(new Uri("http://127.0.0.1:9473"), options.Http.Url);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Counters.Interval);
        Assert.Null(options.Duration);
        Assert.Empty(options.Labels);
        Assert.Empty(options.Counters.Meters);
        Assert.Equal(LeakWatch.Cli.Rendering.OutputMode.Auto, result.GetValue(command.Watch.Output));
    }

    [Theory]
    [InlineData("attach --name Orders --urls none", null)]
    [InlineData("attach --name Orders --urls http://*:9473", "http://0.0.0.0:9473/")]
    [InlineData("attach --name Orders --urls http://localhost:9000", "http://localhost:9000/")]
    public void Urls_accept_none_wildcards_and_hosts(string commandLine, string? expected)
    {
        var (command, result) = ParseAttach(commandLine);

        Assert.Empty(result.Errors);
        Assert.Equal(expected, command.Watch.Bind(result, Target).Http.Url?.ToString());
    }

    [Theory]
    [InlineData("attach", "Say which process to watch with --pid or --name")]
    [InlineData("attach --pid 1 --name x", "Give --pid or --name, not both.")]
    [InlineData("attach --pid 1 --interval 10ms", "--interval: '10ms' is shorter than the minimum of 100ms.")]
    [InlineData("attach --pid 1 --interval 1x", "--interval: '1x' is not a duration such as 500ms, 1s, 10m or 1h.")]
    [InlineData("attach --pid 1 --label pid=3", "'pid' is set by leakwatch or Prometheus itself")]
    [InlineData("attach --pid 1 --urls http://127.0.0.1", "--urls: 'http://127.0.0.1' is not an http:// URL with a port")]
    [InlineData("attach --pid 1 --urls https://127.0.0.1:9473", "--urls: 'https://127.0.0.1:9473' is not an http:// URL with a port")]
    [InlineData("attach --pid 1 --output xml", "xml")]
    [InlineData("attach --pid 1 --all", "Give one of --pid, --name, --all and --diagnostic-port")]
    [InlineData("attach --all --diagnostic-port /diag/s", "Give one of --pid, --name, --all and --diagnostic-port")]
    [InlineData("attach --name x --diagnostic-port /diag/s", "Give one of --pid, --name, --all and --diagnostic-port")]
    public void Invalid_command_lines_explain_themselves(string commandLine, string expectedError)
    {
        var result = LeakWatchCli.CreateRootCommand().Parse(commandLine);

        Assert.Contains(result.Errors, e => e.Message.Contains(expectedError, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Usage_errors_are_one_line_and_exit_code_2()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await LeakWatchCli.RunAsync(["attach", "--pid", "1", "--interval", "soon"], output, error);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "leakwatch: --interval: 'soon' is not a duration such as 500ms, 1s, 10m or 1h. Run 'leakwatch attach --help' for usage.",
            error.ToString().TrimEnd());
        Assert.Empty(output.ToString());
    }

    [Theory]
    [InlineData("attach --all")]
    [InlineData("attach --all --name LeakWatch.TestApp")]
    [InlineData("attach --diagnostic-port /diag/leakwatch.sock --urls http://0.0.0.0:9473")]
    [InlineData("attach --diagnostic-port /diag/leakwatch.sock --api-key-file /secrets/key --config /etc/leakwatch.yaml")]
    public void Watching_many_processes_needs_no_pid(string commandLine)
    {
        var (_, result) = ParseAttach(commandLine);

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Flags_reach_the_options_model_and_beat_the_environment()
    {
        var watch = new WatchOptions { Environment = () => new Dictionary<string, string> { ["LEAKWATCH_LABELS"] = "service=orders,team=env", ["LEAKWATCH_INTERVAL"] = "5s" } };
        var root = new RootCommand { new AttachCommand(watch) };
        var result = root.Parse("attach --diagnostic-port /diag/leakwatch.sock --label team=flag --interval 2s");

        var options = watch.Bind(result, null);

        Assert.Empty(result.Errors);
        Assert.Equal(new Dictionary<string, string> { ["service"] = "orders", ["team"] = "flag" }, options.Labels);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Counters.Interval);
    }
}
