using System.Text.Json;
using LeakWatch.Agent;
using LeakWatch.Core.Samples;

namespace LeakWatch.Cli.Rendering;

/// <summary>
/// One JSON object per line, for programs: <c>{"type":"sample",...}</c> per target per interval and
/// <c>{"type":"message",...}</c> for events. The shape is documented in docs/cli.md.
/// </summary>
internal sealed class JsonLinesRenderer(TextWriter output) : IRenderer
{
    private readonly object _gate = new();

    public void Render(IReadOnlyList<TargetView> targets, DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var target in targets)
            {
                Write(writer =>
                {
                    writer.WriteString("type", "sample");
                    writer.WriteString("timestamp", now);
                    writer.WriteNumber("pid", target.Target.Pid);
                    writer.WriteString("processName", target.Target.Name);
                    if (target.SilentFor is { } silent)
                    {
                        writer.WriteNumber("staleSeconds", Math.Floor(silent.TotalSeconds));
                    }

                    writer.WriteStartArray("metrics");
                    foreach (var sample in SeriesFormatting.Ordered(target.Samples))
                    {
                        writer.WriteStartObject();
                        writer.WriteString("name", sample.Name);
                        writer.WriteString("type", sample.Kind == MetricKind.Counter ? "counter" : "gauge");
                        writer.WriteNumber("value", sample.Value);
                        writer.WriteStartObject("labels");
                        foreach (var (key, value) in sample.Labels)
                        {
                            writer.WriteString(key, value);
                        }

                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                });
            }
        }
    }

    public void Message(string line)
    {
        lock (_gate)
        {
            Write(writer =>
            {
                writer.WriteString("type", "message");
                writer.WriteString("timestamp", DateTimeOffset.UtcNow);
                writer.WriteString("message", line);
            });
        }
    }

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
    }
}
