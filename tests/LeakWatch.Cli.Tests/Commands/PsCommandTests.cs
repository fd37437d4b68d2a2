using System.Text.Json;
using LeakWatch.Agent.Targets;
using LeakWatch.Cli.Commands;

namespace LeakWatch.Cli.Tests.Commands;

public class PsCommandTests
{
    private static readonly TargetProcess Tricky = new(4242, "Orders.Api", "dotnet Orders.Api.dll --note a\n 999  Fake  10.0.0  row", new Version(10, 0, 12));

    [Fact]
    public void A_newline_in_a_command_line_does_not_make_a_row()
    {
        var output = new StringWriter();
        PsCommand.WriteTable(output, [Tricky]);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // header + one process
        Assert.Contains(@"--note a\n 999  Fake", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Json_keeps_the_command_line_exact_for_programs()
    {
        var rows = JsonDocument.Parse(PsCommand.ToJson([Tricky, new TargetProcess(7, "old", "", null)])).RootElement;

        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(4242, rows[0].GetProperty("pid").GetInt32());
        Assert.Equal("Orders.Api", rows[0].GetProperty("name").GetString());
        Assert.Equal("10.0.12", rows[0].GetProperty("runtimeVersion").GetString());
        Assert.Equal(Tricky.CommandLine, rows[0].GetProperty("commandLine").GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("runtimeVersion").ValueKind);
    }

    [Fact]
    public void Json_of_no_processes_is_an_empty_array() => Assert.Equal("[]", PsCommand.ToJson([]));

    [Theory]
    [InlineData("ps", "Text")]
    [InlineData("ps --format json", "Json")]
    [InlineData("ps -f text", "Text")]
    public void Parses_the_format(string line, string expected)
    {
        var ps = new PsCommand();
        var result = ps.Parse(line.Split(' ')[1..]);
        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.GetValue(ps.Format).ToString());
    }

    [Fact]
    public void An_unknown_format_is_a_parse_error() => Assert.NotEmpty(new PsCommand().Parse(["--format", "yaml"]).Errors);
}
