using System.Text;
using System.Text.Json;

namespace LeakWatch.Core.Stacks;

/// <summary>The JSON contract of docs/snapshots.md, written field by field so its order and names never drift.</summary>
public static class JsonReportWriter
{
    /// <summary>
    /// The format's version: 2 added <c>version</c>, <c>timers</c>, <c>descriptors</c>, <c>heap</c> and the thread
    /// groups' <c>locations</c>; a file without
    /// the field is version 1 (threads and tasks only).
    /// </summary>
    public const int FormatVersion = 2;

    public static void Write(StackSnapshot snapshot, TextWriter output) => output.Write(ToJson(snapshot, indented: true));

    public static string ToJson(StackSnapshot snapshot, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", FormatVersion);
            json.WriteNumber("pid", snapshot.Pid);
            json.WriteString("processName", snapshot.ProcessName);
            json.WriteString("takenAt", snapshot.TakenAt.UtcDateTime);
            json.WriteNumber("durationMs", Math.Round(snapshot.DurationMs, 1));
            json.WriteNumber("pausedMs", Math.Round(snapshot.PausedMs, 1));
            json.WriteBoolean("partial", snapshot.Partial);
            if (snapshot.PartialReason is not null)
            {
                json.WriteString("partialReason", snapshot.PartialReason);
            }

            json.WriteString("via", snapshot.Via);
            if (snapshot.Route is not null)
            {
                json.WriteString("route", snapshot.Route);
                json.WriteNumber("copiedBytes", snapshot.CopiedBytes);
            }

            if (snapshot.RouteNote is not null)
            {
                json.WriteString("routeNote", snapshot.RouteNote);
            }

            if (snapshot.RuntimeVersion is not null)
            {
                json.WriteString("runtimeVersion", snapshot.RuntimeVersion);
            }

            json.WriteStartObject("threads");
            json.WriteNumber("total", snapshot.Threads.Total);
            json.WriteStartArray("groups");
            foreach (var group in snapshot.Threads.Groups)
            {
                json.WriteStartObject();
                json.WriteNumber("count", group.Count);
                WriteStrings(json, "frames", group.Frames);
                WriteLocations(json, group.Locations);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("tasks");
            json.WriteNumber("pending", snapshot.Tasks.Pending);
            json.WriteStartArray("groups");
            foreach (var group in snapshot.Tasks.Groups)
            {
                json.WriteStartObject();
                json.WriteNumber("count", group.Count);
                WriteStrings(json, "chain", group.Chain);
                WriteLocations(json, group.Locations);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (snapshot.TaskChainsSkipped is not null)
            {
                json.WriteString("chainsSkipped", snapshot.TaskChainsSkipped);
                WriteMethodCounts(json, "pendingOperations", "pending", snapshot.PendingOperations.Select(o => (o.Method, o.Pending)));
            }

            json.WriteEndObject();
            JsonSections.Write(json, snapshot);

            WriteMethodCounts(json, "droppedAsync", "dropped", snapshot.DroppedAsync.Select(d => (d.Method, d.Dropped)));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Reads a snapshot written by <see cref="ToJson"/> (for comparing with one taken earlier).</summary>
    public static StackSnapshot Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var threads = root.GetProperty("threads");
        var tasks = root.GetProperty("tasks");
        return new StackSnapshot
        {
            Pid = root.GetProperty("pid").GetInt32(),
            ProcessName = root.GetProperty("processName").GetString() ?? "",
            TakenAt = root.GetProperty("takenAt").GetDateTimeOffset(),
            DurationMs = root.GetProperty("durationMs").GetDouble(),
            PausedMs = root.GetProperty("pausedMs").GetDouble(),
            Partial = root.GetProperty("partial").GetBoolean(),
            PartialReason = root.TryGetProperty("partialReason", out var reason) ? reason.GetString() : null,
            Via = root.TryGetProperty("via", out var via) ? via.GetString() ?? "attach" : "attach",
            RuntimeVersion = root.TryGetProperty("runtimeVersion", out var version) ? version.GetString() : null,
            Route = root.TryGetProperty("route", out var route) ? route.GetString() : null,
            RouteNote = root.TryGetProperty("routeNote", out var note) ? note.GetString() : null,
            CopiedBytes = root.TryGetProperty("copiedBytes", out var copied) ? copied.GetInt64() : 0,
            Threads = new ThreadSection(
                threads.GetProperty("total").GetInt32(),
                threads.GetProperty("groups").EnumerateArray().Select(g => new ThreadGroup(g.GetProperty("count").GetInt32(), Strings(g.GetProperty("frames")))
                {
                    Locations = Locations(g),
                }).ToList()),
            Tasks = new TaskSection(
                tasks.GetProperty("pending").GetInt32(),
                tasks.GetProperty("groups").EnumerateArray().Select(g => new TaskChainGroup(g.GetProperty("count").GetInt32(), Strings(g.GetProperty("chain"))) { Locations = Locations(g) }).ToList()),
            TaskChainsSkipped = tasks.TryGetProperty("chainsSkipped", out var skipped) ? skipped.GetString() : null,
            PendingOperations = tasks.TryGetProperty("pendingOperations", out var operations)
                ? operations.EnumerateArray().Select(o => new PendingOperationCount(o.GetProperty("method").GetString() ?? "", o.GetProperty("pending").GetInt64())).ToList()
                : [],
            Timers = JsonSections.ReadTimers(root),
            Descriptors = JsonSections.ReadDescriptors(root),
            Heap = JsonSections.ReadHeap(root),
            DroppedAsync = root.TryGetProperty("droppedAsync", out var dropped)
                ? dropped.EnumerateArray().Select(d => new DroppedAsyncMethod(d.GetProperty("method").GetString() ?? "", d.GetProperty("dropped").GetInt64())).ToList()
                : [],
        };
    }

    /// <summary>An array of <c>{ "method": ..., countField: n }</c> objects.</summary>
    private static void WriteMethodCounts(Utf8JsonWriter json, string array, string countField, IEnumerable<(string Method, long Count)> counts)
    {
        json.WriteStartArray(array);
        foreach (var (method, count) in counts)
        {
            json.WriteStartObject();
            json.WriteString("method", method);
            json.WriteNumber(countField, count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>"locations": one per frame, null where none was found; left out when no frame has one.</summary>
    private static void WriteLocations(Utf8JsonWriter json, IReadOnlyList<string?>? locations)
    {
        if (locations is null)
        {
            return;
        }

        json.WriteStartArray("locations");
        foreach (var location in locations)
        {
            json.WriteStringValue(location);
        }

        json.WriteEndArray();
    }

    private static List<string?>? Locations(JsonElement group) =>
        group.TryGetProperty("locations", out var locations) ? locations.EnumerateArray().Select(l => l.GetString()).ToList() : null;

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? "").ToList();

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
