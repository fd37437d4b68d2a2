using System.Globalization;
using System.Net.Sockets;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Errors;

/// <summary><c>--urls</c> as a test or a pod uses it: port 0, IPv6 literals, and credentials refused.</summary>
public class ListenAddressTests
{
    private static async Task<string> MetricsUrlFromBannerAsync(ProcessRunner agent)
    {
        var banner = await agent.WaitForLineAsync(l => l.Contains("; metrics at ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return banner[(banner.IndexOf("; metrics at ", StringComparison.Ordinal) + "; metrics at ".Length)..].Trim();
    }

    [Fact]
    public async Task Port_0_binds_a_free_port_and_the_startup_line_prints_it()
    {
        using var app = await TestApp.StartAsync("steady");
        using var agent = new ProcessRunner("dotnet", [RepoPaths.AgentDll, "attach", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture), "--output", "lines", "--urls", "http://127.0.0.1:0"]);

        var url = await MetricsUrlFromBannerAsync(agent);

        Assert.Matches(@"^http://127\.0\.0\.1:[1-9][0-9]*/metrics$", url);
        await new MetricsScraper(new Uri(url)).WaitForAsync("process_num_threads", _ => true);
    }

    [Fact]
    public async Task An_IPv6_loopback_literal_is_served()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        using var app = await TestApp.StartAsync("steady");
        using var agent = new ProcessRunner("dotnet", [RepoPaths.AgentDll, "attach", "--pid", app.Pid.ToString(CultureInfo.InvariantCulture), "--output", "lines", "--urls", "http://[::1]:0"]);

        var url = await MetricsUrlFromBannerAsync(agent);

        Assert.StartsWith("http://[::1]:", url, StringComparison.Ordinal);
        await new MetricsScraper(new Uri(url)).WaitForAsync("process_num_threads", _ => true);
    }

    [Fact]
    public async Task A_url_with_a_password_is_refused_without_echoing_it()
    {
        var result = await Agent.RunAsync("attach", "--pid", "1", "--urls", "http://admin:s3cret@127.0.0.1:9464");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("user name or password", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }
}
