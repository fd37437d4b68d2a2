using System.Text;
using System.Text.Json;

namespace LeakWatch.Core.Stacks;

/// <summary>
/// speedscope's file format (https://www.speedscope.app/file-format-schema.json): two "sampled" profiles, threads and
/// tasks, one sample per group weighted by its count, stacks outermost first.
/// </summary>
public static class SpeedscopeReportWriter
{
    public static void Write(StackSnapshot snapshot, TextWriter output)
    {
        var frames = new List<(string Name, string? Location)>();
        var index = new Dictionary<(string, string?), int>();
        int FrameIndex((string Name, string? Location) frame)
        {
            if (!index.TryGetValue(frame, out var i))
            {
                i = frames.Count;
                frames.Add(frame);
                index.Add(frame, i);
            }

            return i;
        }

        var threadSamples = snapshot.Threads.Groups
            .Select(g => (Stack: g.Frames.Select((f, i) => (f, g.LocationOf(i))).Reverse().Select(FrameIndex).ToList(), g.Count))
            .ToList();
        var taskSamples = snapshot.Tasks.Groups.Select(g => (Stack: g.Chain.Reverse().Select(f => FrameIndex((f, null))).ToList(), g.Count)).ToList();

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://www.speedscope.app/file-format-schema.json");
            json.WriteString("name", $"{snapshot.ProcessName} (pid {snapshot.Pid}) {snapshot.TakenAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}");
            json.WriteString("exporter", "leakwatch");
            json.WriteNumber("activeProfileIndex", 0);
            json.WriteStartObject("shared");
            json.WriteStartArray("frames");
            foreach (var (name, location) in frames)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                var colon = location?.LastIndexOf(':') ?? -1;
                if (colon > 0 && int.TryParse(location.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var line))
                {
                    json.WriteString("file", location![..colon]);
                    json.WriteNumber("line", line);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("profiles");
            WriteProfile(json, $"threads ({snapshot.Threads.Total})", threadSamples);
            WriteProfile(json, $"tasks ({snapshot.Tasks.Pending} pending)", taskSamples);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        output.WriteLine();
    }

    private static void WriteProfile(Utf8JsonWriter json, string name, List<(List<int> Stack, int Count)> samples)
    {
        json.WriteStartObject();
        json.WriteString("type", "sampled");
        json.WriteString("name", name);
        json.WriteString("unit", "none");
        json.WriteNumber("startValue", 0);
        json.WriteNumber("endValue", samples.Sum(s => s.Count));
        json.WriteStartArray("samples");
        foreach (var (stack, _) in samples)
        {
            json.WriteStartArray();
            foreach (var frame in stack)
            {
                json.WriteNumberValue(frame);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteStartArray("weights");
        foreach (var (_, count) in samples)
        {
            json.WriteNumberValue(count);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
