using LeakWatch.Agent.Configuration;
using LeakWatch.Core.Configuration;

namespace LeakWatch.Agent.Tests.Configuration;

/// <summary>Binds the whole options tree from made-up flags, variables and files, as the CLI would.</summary>
public sealed class OptionsFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("leakwatch-options-tests-").FullName;

    public static LeakWatchOptions Bind(
        IReadOnlyDictionary<string, string>? flags = null, IReadOnlyDictionary<string, string>? environment = null, string? configFile = null) =>
        LeakWatchOptionsBinder.Bind(
            LeakWatchOptionsBinder.ReadConfiguration(
                new ConfigurationLayer(ConfigurationSourceKind.Flags, flags ?? new Dictionary<string, string>()), environment ?? new Dictionary<string, string>(), configFile),
            new TargetsOptions { AllProcesses = true });

    public string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string PathOf(string name) => Path.Combine(_directory, name);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
