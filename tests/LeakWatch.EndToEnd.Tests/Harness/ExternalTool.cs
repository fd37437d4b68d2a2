namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>Tools the tests drive (promtool, prometheus), installed by .ci/run. A missing tool fails loudly, never skips.</summary>
public static class ExternalTool
{
    public static string Require(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"'{name}' is not installed: run .ci/install-test-tools.sh (Debian packages prometheus, prometheus-alertmanager, yamllint, tmux).");
    }
}
