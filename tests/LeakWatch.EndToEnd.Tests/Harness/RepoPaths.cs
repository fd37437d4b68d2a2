namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>Where the built agent and test app are, found from the repository root (the folder holding the .sln).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: whatever this test assembly was built as, so one build serves all.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string AgentDll => Path.Combine(Root, "src", "LeakWatch.Cli", "bin", Configuration, "net10.0", "leakwatch.dll");

    public static string TestAppProject => Path.Combine(Root, "tests", "TestApps", "LeakWatch.TestApp");

    public static string TestAppDll => Path.Combine(TestAppProject, "bin", Configuration, "net10.0", "LeakWatch.TestApp.dll");

    public static string RuntimeAsyncAppDll => Path.Combine(Root, "tests", "TestApps", "LeakWatch.RuntimeAsyncApp", "bin", Configuration, "net10.0", "LeakWatch.RuntimeAsyncApp.dll");

    public static string WebAppDll => Path.Combine(Root, "tests", "TestApps", "LeakWatch.WebApp", "bin", Configuration, "net10.0", "LeakWatch.WebApp.dll");

    public static string Artifacts => Path.Combine(Root, "artifacts");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "leakwatch-agent.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find leakwatch-agent.sln above " + AppContext.BaseDirectory);
    }
}
