using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Packaging;

/// <summary>The dotnet tool as a user gets it: packed, installed from the package, run from the installed copy.</summary>
public class ToolPackageTests
{
    [Fact]
    public async Task The_packed_tool_installs_and_runs()
    {
        var work = Directory.CreateTempSubdirectory("leakwatch-pack-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var tools = Path.Combine(work.FullName, "tools");
            await RunAsync("dotnet", "pack", Path.Combine(RepoPaths.Root, "src", "LeakWatch.Cli"), "-c", "Release", "-o", feed, "-nologo");
            var package = Assert.Single(Directory.GetFiles(feed, "leakwatch.*.nupkg"));
            Assert.True(new FileInfo(package).Length < 10 * 1024 * 1024, $"package is {new FileInfo(package).Length} bytes");

            await RunAsync("dotnet", "tool", "install", "leakwatch", "--tool-path", tools, "--add-source", feed);
            var leakwatch = Path.Combine(tools, "leakwatch");

            var version = await RunAsync(leakwatch, "--version");
            Assert.Matches(@"^\d+\.\d+\.\d+", version);

            using var app = await TestApp.StartAsync("steady");
            var ps = await RunAsync(leakwatch, "ps");
            Assert.Contains(ps.Split('\n'), line => line.TrimStart().StartsWith(app.Pid + " ", StringComparison.Ordinal) && line.Contains("LeakWatch.TestApp", StringComparison.Ordinal));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        using var process = new ProcessRunner(fileName, arguments);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, process.Transcript);
        return string.Join('\n', process.StandardOutput);
    }
}
