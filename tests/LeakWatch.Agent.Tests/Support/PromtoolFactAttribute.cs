namespace LeakWatch.Agent.Tests.Support;

/// <summary>
/// A fact that needs <c>promtool</c> (Debian package prometheus; .ci/install-test-tools.sh): skipped with the reason
/// where it is not installed. The end-to-end suite checks a real agent's /metrics with promtool and fails without it.
/// </summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Path is null)
        {
            Skip = "promtool is not installed (bash .ci/install-test-tools.sh installs it)";
        }
    }

    /// <summary>promtool's path on PATH, or null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => System.IO.Path.Combine(directory, "promtool"))
        .FirstOrDefault(File.Exists);
}
