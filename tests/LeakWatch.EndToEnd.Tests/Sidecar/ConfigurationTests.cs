using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Sidecar;

/// <summary>Settings from a config file and LEAKWATCH_* variables as well as flags: flags over environment over file.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("leakwatch-config-");

    [Fact]
    public async Task Flags_beat_the_environment_which_beats_the_config_file()
    {
        var config = Path.Combine(_directory.FullName, "leakwatch.yaml");
        await File.WriteAllTextAsync(config, """
            # what a ConfigMap would mount
            interval: 2s
            labels:
              service: from-file
              team: from-file
              module: from-file
            meters: [LeakWatch.TestApp]
            """);
        using var app = await TestApp.StartAsync("steady");
        using var agent = Agent.Start(
            ["attach", "--pid", AgentProbes.Text(app.Pid), "--output", "lines", "--label", "module=from-flag"],
            new Dictionary<string, string> { ["LEAKWATCH_CONFIG"] = config, ["LEAKWATCH_LABELS"] = "team=from-env" });

        var sample = await agent.Metrics.WaitForAsync("process_num_threads");

        Assert.Equal("from-file", sample["service"]);
        Assert.Equal("from-env", sample["team"]);
        Assert.Equal("from-flag", sample["module"]);
        Assert.Contains(agent.Process.StandardOutput, line => line.Contains("every 2s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_setting_names_its_source_and_exits_7()
    {
        using var process = new ProcessRunner(
            "dotnet",
            [RepoPaths.AgentDll, "attach", "--all", "--urls", "none"],
            new Dictionary<string, string> { ["LEAKWATCH_INTERVAL"] = "soon" });

        Assert.Equal(7, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(["leakwatch: LEAKWATCH_INTERVAL: 'soon' is not a duration such as 500ms, 1s, 10m or 1h."], process.StandardError);
    }

    [Fact]
    public async Task A_misspelt_key_in_the_config_file_is_an_error_naming_the_file()
    {
        var config = Path.Combine(_directory.FullName, "leakwatch.json");
        await File.WriteAllTextAsync(config, """{ "intervall": "5s" }""");
        using var process = new ProcessRunner("dotnet", [RepoPaths.AgentDll, "attach", "--all", "--urls", "none", "--config", config]);

        Assert.Equal(7, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var error = Assert.Single(process.StandardError);
        Assert.StartsWith($"leakwatch: 'intervall' in {config} is not a setting", error, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
