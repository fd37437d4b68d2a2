using System.Text.Json;

namespace LeakWatch.Core.Stacks;

/// <summary>The version-2 sections of the snapshot JSON (timers, descriptors, heap): written when present, read when there.</summary>
internal static class JsonSections
{
    public static void Write(Utf8JsonWriter json, StackSnapshot snapshot)
    {
        if (snapshot.Timers is { } timers)
        {
            Section(json, "timers", w => w.WriteNumber("total", timers.Total), "groups", timers.Groups, (w, group) =>
            {
                w.WriteNumber("count", group.Count);
                w.WriteString("callback", group.Callback);
                if (group.PeriodMs is { } period)
                {
                    w.WriteNumber("periodMs", period);
                }
                else
                {
                    w.WriteNull("periodMs");
                }

                if (group.Location is { } location)
                {
                    w.WriteString("location", location);
                }
            });
        }

        if (snapshot.Descriptors is { } descriptors)
        {
            Section(json, "descriptors", w => w.WriteNumber("total", descriptors.Total), "groups", descriptors.Groups, (w, group) =>
            {
                w.WriteNumber("count", group.Count);
                w.WriteString("kind", group.Kind);
                w.WriteString("target", group.Target);
            });
        }

        if (snapshot.Heap is { } heap)
        {
            Section(
                json,
                "heap",
                w =>
                {
                    w.WriteNumber("objects", heap.Objects);
                    w.WriteNumber("bytes", heap.Bytes);
                },
                "types",
                heap.Types,
                (w, type) =>
                {
                    w.WriteString("type", type.Type);
                    w.WriteNumber("count", type.Count);
                    w.WriteNumber("bytes", type.Bytes);
                });
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

    /// <summary>"name": { totals..., "array": [ { item }, ... ] }.</summary>
    private static void Section<T>(Utf8JsonWriter json, string name, Action<Utf8JsonWriter> totals, string arrayName, IEnumerable<T> items, Action<Utf8JsonWriter, T> item)
    {
        json.WriteStartObject(name);
        totals(json);
        json.WriteStartArray(arrayName);
        foreach (var value in items)
        {
            json.WriteStartObject();
            item(json, value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
