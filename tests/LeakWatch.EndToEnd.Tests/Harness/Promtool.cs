namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>`promtool check metrics` on an exposition, with the one lint accepted on purpose.</summary>
public static class Promtool
{
    // OpenTelemetry's semantic conventions name these gauges *_count, and dashboards for .NET's runtime metrics
    // query them by those names (docs/metrics.md says why).
    private static readonly string[] OpenTelemetryCountGauges =
        ["dotnet_thread_pool_thread_count", "dotnet_timer_count", "dotnet_assembly_count", "dotnet_process_cpu_count"];

    /// <summary>promtool's complaints about <paramref name="exposition"/>, less the accepted ones, and its transcript.</summary>
    public static async Task<(IReadOnlyList<string> Problems, string Transcript)> CheckMetricsAsync(string exposition)
    {
        var promtool = ExternalTool.Require("promtool");
        var input = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, exposition);
            using var check = new ProcessRunner("sh", ["-c", $"{promtool} check metrics < {input}"]);
            await check.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var problems = check.StandardOutput.Concat(check.StandardError)
                .Where(line => !OpenTelemetryCountGauges.Any(name => line == $"{name} non-histogram and non-summary metrics should not have \"_count\" suffix"))
                .ToList();
            return (problems, check.Transcript);
        }
        finally
        {
            File.Delete(input);
        }
    }
}
