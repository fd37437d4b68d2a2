using System.Text.Json;

namespace LeakWatch.Core.Stacks;

/// <summary>The version-2 sections of the snapshot JSON (timers, descriptors, heap): written when present, read when there.</summary>
internal static class JsonSections
{
    public static void Write(Utf8JsonWriter json, StackSnapshot snapshot)
    {
        if (snapshot.Timers is { } timers)
        {
            json.WriteStartObject("timers");
            json.WriteNumber("total", timers.Total);
            json.WriteStartArray("groups");
            foreach (var group in timers.Groups)
            {
                json.WriteStartObject();
                json.WriteNumber("count", group.Count);
                json.WriteString("callback", group.Callback);
                if (group.PeriodMs is { } period)
                {
                    json.WriteNumber("periodMs", period);
                }
                else
                {
                    json.WriteNull("periodMs");
                }

                if (group.Location is { } location)
                {
                    json.WriteString("location", location);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (snapshot.Descriptors is { } descriptors)
        {
            json.WriteStartObject("descriptors");
            json.WriteNumber("total", descriptors.Total);
            json.WriteStartArray("groups");
            foreach (var group in descriptors.Groups)
            {
                json.WriteStartObject();
                json.WriteNumber("count", group.Count);
                json.WriteString("kind", group.Kind);
                json.WriteString("target", group.Target);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (snapshot.Heap is { } heap)
        {
            json.WriteStartObject("heap");
            json.WriteNumber("objects", heap.Objects);
            json.WriteNumber("bytes", heap.Bytes);
            json.WriteStartArray("types");
            foreach (var type in heap.Types)
            {
                json.WriteStartObject();
                json.WriteString("type", type.Type);
                json.WriteNumber("count", type.Count);
                json.WriteNumber("bytes", type.Bytes);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    public static TimerSection? ReadTimers(JsonElement root) =>
        root.TryGetProperty("timers", out var timers)
            ? new TimerSection(
                timers.GetProperty("total").GetInt32(),
                timers.GetProperty("groups").EnumerateArray().Select(g => new TimerGroup(
                    g.GetProperty("count").GetInt32(),
                    g.GetProperty("callback").GetString() ?? "",
                    g.GetProperty("periodMs").ValueKind == JsonValueKind.Number ? g.GetProperty("periodMs").GetInt64() : null)
                {
                    Location = g.TryGetProperty("location", out var location) ? location.GetString() : null,
                }).ToList())
            : null;

    public static DescriptorSection? ReadDescriptors(JsonElement root) =>
        root.TryGetProperty("descriptors", out var descriptors)
            ? new DescriptorSection(
                descriptors.GetProperty("total").GetInt32(),
                descriptors.GetProperty("groups").EnumerateArray().Select(g => new DescriptorGroup(
                    g.GetProperty("count").GetInt32(), g.GetProperty("kind").GetString() ?? "", g.GetProperty("target").GetString() ?? "")).ToList())
            : null;

    public static HeapSection? ReadHeap(JsonElement root) =>
        root.TryGetProperty("heap", out var heap)
            ? new HeapSection(
                heap.GetProperty("objects").GetInt64(),
                heap.GetProperty("bytes").GetInt64(),
                heap.GetProperty("types").EnumerateArray().Select(t => new HeapTypeCount(
                    t.GetProperty("type").GetString() ?? "", t.GetProperty("count").GetInt32(), t.GetProperty("bytes").GetInt64())).ToList())
            : null;
}
