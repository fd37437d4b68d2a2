using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Errors;

/// <summary>Every error a user can cause: one line saying what is wrong and what to do, a documented exit code, no stack trace.</summary>
public class UserErrorTests
{
    private static void AssertOneLineError((int ExitCode, string StandardOutput, string StandardError) result, int expectedExitCode, string expectedText)
    {
        Assert.Equal(expectedExitCode, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("leakwatch: ", line, StringComparison.Ordinal);
        Assert.Contains(expectedText, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pid_that_does_not_exist() =>
        AssertOneLineError(await Agent.RunAsync("attach", "--pid", "999999"), 3, "No process has pid 999999");

    [Fact]
    public async Task A_process_that_is_not_dotnet()
    {
        using var sleep = Process.Start("sleep", "120");
        AssertOneLineError(await Agent.RunAsync("attach", "--pid", sleep.Id.ToString(CultureInfo.InvariantCulture)), 4, "has no .NET diagnostic port");
        sleep.Kill();
    }

    [Fact]
    public async Task A_process_that_is_not_dotnet_despite_a_stale_socket_with_its_pid()
    {
        // A .NET process killed with SIGKILL leaves its socket; once pids wrap, another process may get that pid.
        using var sleep = Process.Start("sleep", "120");
        var stale = Path.Combine(Path.GetTempPath(), $"dotnet-diagnostic-{sleep.Id}-1-socket");
        await File.WriteAllTextAsync(stale, "");
        try
        {
            AssertOneLineError(await Agent.RunAsync("attach", "--pid", sleep.Id.ToString(CultureInfo.InvariantCulture)), 4, "has no .NET diagnostic port");
        }
        finally
        {
            File.Delete(stale);
            sleep.Kill();
        }
    }

    [Fact]
    public async Task A_name_that_matches_no_process() =>
        AssertOneLineError(await Agent.RunAsync("attach", "--name", "no-such-service"), 3, "No .NET process is named 'no-such-service'");

    [Fact]
    public async Task A_name_that_matches_several_processes()
    {
        using var first = await TestApp.StartAsync("steady");
        using var second = await TestApp.StartAsync("steady");

        var result = await Agent.RunAsync("attach", "--name", "LeakWatch.TestApp");

        AssertOneLineError(result, 3, "processes are named 'LeakWatch.TestApp'");
        Assert.Contains(first.Pid.ToString(CultureInfo.InvariantCulture), result.StandardError, StringComparison.Ordinal);
        Assert.Contains(second.Pid.ToString(CultureInfo.InvariantCulture), result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use()
    {
        using var app = await TestApp.StartAsync("steady");
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var result = await Agent.RunAsync("attach", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture), "--urls", $"http://127.0.0.1:{port}");

        AssertOneLineError(result, 6, $"Cannot listen on http://127.0.0.1:{port}/");
        Assert.True(app.IsRunning);
    }

    [Fact]
    public async Task Permission_denied_when_the_target_belongs_to_another_user()
    {
        // The target runs as root (this test's user); leakwatch runs as 'nobody', whom the runtime's
        // owner-only diagnostic socket refuses.
        using var app = await TestApp.StartAsync("steady");
        using var runAsNobody = new ProcessRunner("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "dotnet", RepoPaths.AgentDll, "attach", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture), "--urls", "none"],
            new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = Path.GetTempPath(), ["HOME"] = Path.GetTempPath() });

        var exitCode = await runAsNobody.WaitForExitAsync(TimeSpan.FromSeconds(60));

        AssertOneLineError((exitCode, string.Join('\n', runAsNobody.StandardOutput), string.Join('\n', runAsNobody.StandardError)), 5, "Permission denied");
        Assert.True(app.IsRunning);
    }

    [Theory]
    [InlineData(new[] { "attach" }, "--pid or --name")]
    [InlineData(new[] { "attach", "--pid", "1", "--name", "x" }, "not both")]
    [InlineData(new[] { "attach", "--pid", "abc" }, "abc")]
    [InlineData(new[] { "attach", "--pid", "1", "--interval", "soon" }, "--interval: 'soon' is not a duration")]
    [InlineData(new[] { "attach", "--pid", "1", "--label", "no-equals" }, "--label: 'no-equals' is not key=value")]
    [InlineData(new[] { "attach", "--pid", "1", "--urls", "ftp://x" }, "--urls: 'ftp://x' is not an http:// URL")]
    [InlineData(new[] { "attach", "--pid", "0" }, "--pid must be a positive number")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    public async Task Invalid_options_are_usage_errors(string[] arguments, string expectedText) =>
        AssertOneLineError(await Agent.RunAsync(arguments), 2, expectedText);
}
