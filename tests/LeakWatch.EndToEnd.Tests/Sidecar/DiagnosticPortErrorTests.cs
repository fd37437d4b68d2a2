using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary>A diagnostic-port socket that cannot be created: one line, exit 7 (configuration), no stack trace.</summary>
public class DiagnosticPortErrorTests
{
    public static TheoryData<string, string> Paths => new()
    {
        { "/work/" + new string('x', 120) + ".sock", "is longer than the 107 bytes a Unix socket path may have" },
        { "/proc/leakwatch.sock", "Cannot create the diagnostic port /proc/leakwatch.sock: " },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_socket_that_cannot_be_created_is_one_line_and_exit_7(string path, string expected)
    {
        var (exitCode, _, error) = await Agent.RunAsync(TimeSpan.FromSeconds(60), "attach", "--diagnostic-port", path, "--urls", "none");

        Assert.Equal(7, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("leakwatch: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
