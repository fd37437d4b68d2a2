using LeakWatch.Core.Configuration;

namespace LeakWatch.Core.Tests.Configuration;

/// <summary>The pure merge: flags over environment over config file over defaults, and errors naming source and field.</summary>
public class ConfigurationPrecedenceTests
{
    private static ConfigurationLayer Flags(params (string Key, string Value)[] values) => Layer(ConfigurationSourceKind.Flags, values);

    private static ConfigurationLayer File(params (string Key, string Value)[] values) =>
        new(ConfigurationSourceKind.File, values.ToDictionary(v => v.Key, v => v.Value), "/etc/leakwatch/config.yaml");

    private static ConfigurationLayer Environment(params (string Name, string Value)[] variables) =>
        ConfigurationLayer.FromEnvironment(variables.ToDictionary(v => v.Name, v => v.Value));

    private static ConfigurationLayer Layer(ConfigurationSourceKind kind, (string Key, string Value)[] values) =>
        new(kind, values.ToDictionary(v => v.Key, v => v.Value));

    [Theory]
    [InlineData("5s", "3s", "2s", 5)]
    [InlineData(null, "3s", "2s", 3)]
    [InlineData(null, null, "2s", 2)]
    public void The_highest_source_that_gives_a_setting_wins(string? flag, string? environment, string? file, int expectedSeconds)
    {
        var layers = new List<ConfigurationLayer>
        {
            // Given lowest first on purpose: the order of the list does not matter, the kind does.
            file is null ? File() : File(("interval", file)),
            environment is null ? Environment() : Environment(("LEAKWATCH_INTERVAL", environment)),
            flag is null ? Flags() : Flags(("interval", flag)),
        };

        var configuration = AgentConfiguration.Bind(layers);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), configuration.Interval);
    }

    [Fact]
    public void Nothing_given_leaves_every_setting_to_its_default()
    {
        var configuration = AgentConfiguration.Bind([Flags(), Environment(), File()]);

        Assert.Null(configuration.Interval);
        Assert.False(configuration.UrlsGiven);
        Assert.Empty(configuration.Labels);
        Assert.Empty(configuration.Meters);
        Assert.False(configuration.AllProcesses);
        Assert.Null(configuration.DiagnosticPort);
        Assert.Null(configuration.ApiKey);
    }

    [Fact]
    public void Labels_merge_by_name_with_the_higher_source_winning_each()
    {
        var configuration = AgentConfiguration.Bind(
        [
            Flags(("labels", "module=flag")),
            Environment(("LEAKWATCH_LABELS", "team=env,module=env")),
            File(("labels", "service=file,team=file")),
        ]);

        Assert.Equal(new Dictionary<string, string> { ["service"] = "file", ["team"] = "env", ["module"] = "flag" }, configuration.Labels);
    }

    [Fact]
    public void Environment_variables_use_their_documented_names_and_lists_are_comma_separated()
    {
        var configuration = AgentConfiguration.Bind(
        [
            Environment(
                ("LEAKWATCH_URLS", "http://0.0.0.0:9473"),
                ("LEAKWATCH_METERS", "Orders.Api, Shop"),
                ("LEAKWATCH_DIAGNOSTIC_PORT", "/diag/leakwatch.sock"),
                ("LEAKWATCH_SNAPSHOT_DIR", "/snapshots"),
                ("LEAKWATCH_SNAPSHOT_BASELINE", "true"),
                ("LEAKWATCH_MAX_PAUSE", "500ms"),
                ("LEAKWATCH_SNAPSHOT_VIA", "dump"),
                ("LEAKWATCH_API_KEY", "s3cret"),
                ("LEAKWATCH_UNRELATED", "ignored")),
        ]);

        Assert.Equal(new Uri("http://0.0.0.0:9473"), configuration.Url);
        Assert.Equal(["Orders.Api", "Shop"], configuration.Meters);
        Assert.Equal("/diag/leakwatch.sock", configuration.DiagnosticPort);
        Assert.Equal("/snapshots", configuration.SnapshotDir);
        Assert.True(configuration.SnapshotBaseline);
        Assert.Equal(TimeSpan.FromMilliseconds(500), configuration.MaxPause);
        Assert.Equal("dump", configuration.SnapshotVia);
        Assert.Equal("s3cret", configuration.ApiKey);
    }

    [Fact]
    public void Urls_none_serves_nothing()
    {
        var configuration = AgentConfiguration.Bind([Environment(("LEAKWATCH_URLS", "none"))]);

        Assert.True(configuration.UrlsGiven);
        Assert.Null(configuration.Url);
    }

    [Fact]
    public void A_flag_choosing_how_processes_are_found_overrides_the_environments_choice()
    {
        var configuration = AgentConfiguration.Bind([Flags(("all", "true")), Environment(("LEAKWATCH_DIAGNOSTIC_PORT", "/diag/leakwatch.sock"))]);

        Assert.True(configuration.AllProcesses);
        Assert.Null(configuration.DiagnosticPort);
    }

    [Fact]
    public void The_key_from_the_environment_beats_a_key_file_from_the_config_file()
    {
        var configuration = AgentConfiguration.Bind([Environment(("LEAKWATCH_API_KEY", "k")), File(("apiKeyFile", "/secrets/key"))]);

        Assert.Equal("k", configuration.ApiKey);
        Assert.Null(configuration.ApiKeyFile);
    }

    [Theory]
    [InlineData("LEAKWATCH_INTERVAL", "soon", "LEAKWATCH_INTERVAL: 'soon' is not a duration such as 500ms, 1s, 10m or 1h.")]
    [InlineData("LEAKWATCH_INTERVAL", "10ms", "LEAKWATCH_INTERVAL: '10ms' is shorter than the minimum of 100ms.")]
    [InlineData("LEAKWATCH_URLS", "https://x:1", "LEAKWATCH_URLS: 'https://x:1' is not an http:// URL with a port (such as http://0.0.0.0:9473, http://[::1]:9473) or 'none'.")]
    [InlineData("LEAKWATCH_ALL", "maybe", "LEAKWATCH_ALL: 'maybe' is not true or false.")]
    [InlineData("LEAKWATCH_SNAPSHOT_VIA", "ssh", "LEAKWATCH_SNAPSHOT_VIA: 'ssh' is not one of attach, dump, eventpipe.")]
    [InlineData("LEAKWATCH_LABELS", "pid=1", "LEAKWATCH_LABELS: 'pid' is set by leakwatch or Prometheus itself; choose another label name.")]
    public void Invalid_environment_values_name_the_variable_and_exit_7(string variable, string value, string expected)
    {
        var error = Assert.Throws<LeakWatchException>(() => AgentConfiguration.Bind([Environment((variable, value))]));

        Assert.Equal(ExitCode.InvalidConfiguration, error.ExitCode);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Invalid_file_values_name_the_key_and_the_file()
    {
        var error = Assert.Throws<LeakWatchException>(() => AgentConfiguration.Bind([File(("maxPause", "forever"))]));

        Assert.Equal("'maxPause' in /etc/leakwatch/config.yaml: 'forever' is not a duration such as 500ms, 1s, 10m or 1h.", error.Message);
    }

    [Fact]
    public void A_bad_label_is_blamed_on_the_source_it_came_from_even_when_another_source_has_labels()
    {
        var error = Assert.Throws<LeakWatchException>(() => AgentConfiguration.Bind([Flags(("labels", "team=x")), File(("labels", "no-equals"))]));

        Assert.StartsWith("'labels' in /etc/leakwatch/config.yaml: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_ways_of_finding_processes_in_one_source_are_refused()
    {
        var error = Assert.Throws<LeakWatchException>(() => AgentConfiguration.Bind([Environment(("LEAKWATCH_ALL", "true"), ("LEAKWATCH_DIAGNOSTIC_PORT", "/diag/s"))]));

        Assert.Equal("LEAKWATCH_ALL and LEAKWATCH_DIAGNOSTIC_PORT are both set: choose one way of finding processes.", error.Message);
    }
}
