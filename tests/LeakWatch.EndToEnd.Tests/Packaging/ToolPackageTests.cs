using System.IO.Compression;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Packaging;

/// <summary>
/// The dotnet tool as a user gets it from a clone: the README's Install commands, run as written in a clean HOME,
/// then the installed copy run for real; and the package itself kept lean.
/// </summary>
public class ToolPackageTests(InstalledTool tool) : IClassFixture<InstalledTool>
{
    // Present in the dependency graph (prometheus-net's IHttpClientFactory integration, TraceEvent's ETW COM
    // interop) but never loaded; LeakWatch.Cli.csproj keeps them out. ClrMD's Azure graph stays (see the csproj).
    private static readonly string[] UnusedAssemblies =
    [
        "Microsoft.Extensions.Http", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.Hosting",
        "TraceReloggerLib", "Dia2Lib",
    ];

    // Measured in docs/benchmarks.md (80 files, about 7.3 MB); a new dependency has to be argued for there.
    private const int MaxPackageFiles = 82;
    private const long MaxPackageBytes = 7_500_000;

    [Fact]
    public async Task The_readme_install_commands_give_a_tool_that_runs()
    {
        var version = await tool.RunAsync(tool.Executable, "--version");
        Assert.Matches(@"^\d+\.\d+\.\d+", version);

        using var app = await TestApp.StartAsync("await-kinds", TestApp.Net10, "--count", "5");
        var ps = await tool.RunAsync(tool.Executable, "ps");
        Assert.Contains(ps.Split('\n'), line => line.TrimStart().StartsWith(app.Pid + " ", StringComparison.Ordinal) && line.Contains("LeakWatch.TestApp", StringComparison.Ordinal));

        var pid = app.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stacks = await tool.RunAsync(tool.Executable, "stacks", "--pid", pid, "--max-pause", "10s");
        Assert.Contains("Inventory.Locks.WaitForLock", stacks, StringComparison.Ordinal);

        var attach = await tool.RunAsync(tool.Executable, "attach", "--pid", pid, "--duration", "4s", "--output", "lines", "--urls", "none", "--snapshot-baseline", "--max-pause", "10s");
        Assert.Contains("Snapshot (baseline)", attach, StringComparison.Ordinal);
        Assert.Contains("threads=", attach, StringComparison.Ordinal);

        foreach (var command in tool.Readme.Uninstall)
        {
            await tool.RunAsync("/bin/sh", "-c", command);
        }

        Assert.False(File.Exists(tool.Executable), "the README's uninstall command left " + tool.Executable);
    }

    [Fact]
    public void The_package_carries_only_assemblies_leakwatch_loads()
    {
        var package = new FileInfo(tool.Package);
        using var zip = ZipFile.OpenRead(package.FullName);
        var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();

        var unused = files.Where(e => UnusedAssemblies.Any(prefix => e.Name.StartsWith(prefix, StringComparison.Ordinal))).Select(e => e.FullName).ToList();
        Assert.True(unused.Count == 0, "the package carries assemblies leakwatch never loads: " + string.Join(", ", unused));

        // The host resolves what deps.json lists: a stale entry there would send it looking for a dropped file.
        foreach (var deps in files.Where(e => e.Name == "leakwatch.deps.json"))
        {
            using var reader = new StreamReader(deps.Open());
            var text = reader.ReadToEnd();
            Assert.DoesNotContain(UnusedAssemblies, prefix => text.Contains('"' + prefix, StringComparison.Ordinal));
        }

        Assert.True(files.Count <= MaxPackageFiles, $"the package has {files.Count} files (at most {MaxPackageFiles}): {string.Join(", ", files.Select(e => e.FullName))}");
        Assert.True(package.Length <= MaxPackageBytes, $"the package is {package.Length} bytes (at most {MaxPackageBytes})");
    }
}

/// <summary>The README's Install block run once, as written, from the repository root with HOME set to an empty folder.</summary>
public sealed class InstalledTool : IAsyncLifetime
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("leakwatch-home-");

    public ReadmeInstall Readme { get; } = ReadmeInstall.Read(Path.Combine(RepoPaths.Root, "README.md"));

    /// <summary>Where `dotnet tool install -g` puts the tool: the tool path inside the clean HOME.</summary>
    public string Executable => Path.Combine(_home.FullName, ".dotnet", "tools", "leakwatch");

    public string Package => Assert.Single(Directory.GetFiles(Path.Combine(RepoPaths.Root, "artifacts", "package"), "leakwatch.*.nupkg"));

    public async Task InitializeAsync()
    {
        var feed = Path.Combine(RepoPaths.Root, "artifacts", "package");
        if (Directory.Exists(feed))
        {
            Directory.Delete(feed, recursive: true); // the package this run packs, not one left from before
        }

        foreach (var command in Readme.Install)
        {
            await RunAsync("/bin/sh", "-c", command);
        }
    }

    public Task DisposeAsync()
    {
        _home.Delete(recursive: true);
        return Task.CompletedTask;
    }

    public async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        using var process = new ProcessRunner(fileName, arguments, Environment(), RepoPaths.Root);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(8));
        Assert.True(exitCode == 0, process.Transcript);
        return string.Join('\n', process.StandardOutput);
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["HOME"] = _home.FullName,
        ["DOTNET_CLI_HOME"] = _home.FullName,
        // A new user's HOME has no package cache either; sharing this machine's keeps CI from downloading every
        // dependency again. `dotnet tool install` never reads it (it restores the tool into its own store).
        ["NUGET_PACKAGES"] = GlobalPackagesFolder(),
    };

    private static string GlobalPackagesFolder() =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}

/// <summary>The shell commands of the README's "## Install" section: the first block installs, the one with `dotnet tool uninstall` removes.</summary>
public sealed record ReadmeInstall(IReadOnlyList<string> Install, IReadOnlyList<string> Uninstall)
{
    public static ReadmeInstall Read(string readmePath)
    {
        var lines = File.ReadAllLines(readmePath);
        var start = Array.IndexOf(lines, "## Install");
        Assert.True(start >= 0, "README.md has no '## Install' section");
        var end = Array.FindIndex(lines, start + 1, line => line.StartsWith("## ", StringComparison.Ordinal));
        var blocks = FencedBlocks(lines[(start + 1)..(end < 0 ? lines.Length : end)]);

        var install = blocks.Count > 0 ? blocks[0] : throw new InvalidOperationException("README.md's Install section has no ```sh block");
        Assert.All(install, command => Assert.StartsWith("dotnet ", command, StringComparison.Ordinal));
        var uninstall = blocks.Single(block => block.Any(command => command.StartsWith("dotnet tool uninstall", StringComparison.Ordinal)));
        return new ReadmeInstall(install, uninstall);
    }

    private static List<List<string>> FencedBlocks(IEnumerable<string> section)
    {
        var blocks = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in section)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                current = current is null && line == "```sh" ? [] : null;
                if (current is not null)
                {
                    blocks.Add(current);
                }
            }
            else if (current is not null && line.Trim().Length > 0)
            {
                current.Add(line.Trim());
            }
        }

        return blocks;
    }
}
