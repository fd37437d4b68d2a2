using System.Text;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Targets;
using LeakWatch.Agent.Tests.Support;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Tests.Export;

/// <summary>Label values are cut to 256 characters with a marker, wherever they come from: --label, process name, a meter's tags.</summary>
public class LabelLimitTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 10)]
    [InlineData(256, 256)]
    [InlineData(257, 256)]
    [InlineData(100_000, 256)]
    public void Values_over_the_limit_are_cut_with_a_marker(int length, int expectedLength)
    {
        var value = new string('v', length);

        var limited = TargetLabels.Limit(value);

        Assert.Equal(expectedLength, limited.Length);
        Assert.Equal(length > 256, limited.EndsWith(TargetLabels.CutMarker, StringComparison.Ordinal));
    }

    [Fact]
    public void A_surrogate_pair_is_never_split()
    {
        var value = new string('a', 254) + "😀" + new string('b', 10); // the emoji's high surrogate is character 255

        var limited = TargetLabels.Limit(value);

        Assert.Equal(new string('a', 254) + TargetLabels.CutMarker, limited);
    }

    [Fact]
    public async Task A_huge_label_and_process_name_keep_the_exposition_small()
    {
        var huge = new string('x', 100_000);
        var exporter = new PrometheusExporter(Fakes.PidModeLabels(new Dictionary<string, string> { ["team"] = huge }), new AgentHealth());
        var target = new TargetProcess(4242, huge, "dotnet app.dll", new Version(10, 0));

        exporter.OnSample(target, new MetricSample("process_num_threads", MetricKind.Gauge, 12, DateTimeOffset.UtcNow, LabelSet.Empty, "Threads."));
        exporter.OnSample(target, new MetricSample("app_requests", MetricKind.Gauge, 1, DateTimeOffset.UtcNow, LabelSet.Of(("route", huge)), "Requests."));
        using var body = new MemoryStream();
        await exporter.WriteAsync(body, CancellationToken.None);
        var text = Encoding.UTF8.GetString(body.ToArray());

        Assert.True(body.Length < 20_000, $"{body.Length} bytes");
        var cut = new string('x', 255) + TargetLabels.CutMarker;
        Assert.Contains($"process_num_threads{{pid=\"4242\",process_name=\"{cut}\",team=\"{cut}\"}} 12", text, StringComparison.Ordinal);
        Assert.Contains($"route=\"{cut}\"", text, StringComparison.Ordinal);
    }
}
