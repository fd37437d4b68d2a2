using LeakWatch.Agent.Export;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Tests.Support;

/// <summary>Targets and samples as the agent's sources deliver them, made up: no target process.</summary>
public static class Fakes
{
    public static readonly TargetProcess Orders = new(1804, "Orders", "dotnet Orders.dll", new Version(10, 0, 12));
    public static readonly TargetProcess Billing = new(2207, "Billing", "dotnet Billing.dll", new Version(9, 0, 10));

    public static MetricSample Gauge(string name, double value, params (string Name, string Value)[] labels) =>
        new(name, MetricKind.Gauge, value, ManualTime.Start, LabelSet.Of(labels), $"help for {name}");

    public static MetricSample Counter(string name, double value, params (string Name, string Value)[] labels) =>
        new(name, MetricKind.Counter, value, ManualTime.Start, LabelSet.Of(labels), $"help for {name}");

    public static MetricSample At(this MetricSample sample, double seconds) => sample with { Timestamp = ManualTime.Start.AddSeconds(seconds) };

    /// <summary>The target labels outside listen mode (--pid, --name, --all): pid, process_name and the user's.</summary>
    public static TargetLabels PidModeLabels(IReadOnlyDictionary<string, string>? user = null) =>
        new(user ?? new Dictionary<string, string>(), runtimeInstance: false);

    /// <summary>What GET /metrics would answer, as text.</summary>
    public static async Task<string> ExpositionAsync(PrometheusExporter exporter)
    {
        using var buffer = new MemoryStream();
        await exporter.WriteAsync(buffer, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The exposition's sample lines (no comments).</summary>
    public static IReadOnlyList<string> SampleLines(string exposition) =>
        exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
}
