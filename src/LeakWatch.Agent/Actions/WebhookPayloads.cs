using System.Globalization;
using System.Text;
using System.Text.Json;
using LeakWatch.Core.Rules;

namespace LeakWatch.Agent.Actions;

/// <summary>
/// The bodies webhooks receive. Generic: leakwatch's documented JSON (docs/rules.md). Slack: <c>{"text"}</c>.
/// DingTalk and WeCom robots: <c>{"msgtype":"text","text":{"content"}}</c>; the text starts with "leakwatch" so a
/// DingTalk robot guarded by that keyword accepts it.
/// </summary>
public static class WebhookPayloads
{
    public const int TopGroups = 5;

    public static byte[] Build(WebhookFormat format, LeakIncident incident, string host) => format switch
    {
        WebhookFormat.Slack => Json(w => w.WriteString("text", Text(incident, host))),
        WebhookFormat.DingTalk or WebhookFormat.WeCom => Json(w =>
        {
            w.WriteString("msgtype", "text");
            w.WriteStartObject("text");
            w.WriteString("content", Text(incident, host));
            w.WriteEndObject();
        }),
        _ => Json(w => Generic(w, incident, host)),
    };

    /// <summary>The human text: headline, then the top growing groups when a snapshot ran.</summary>
    public static string Text(LeakIncident incident, string host)
    {
        var trigger = incident.Trigger;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"leakwatch: leak suspected in {trigger.Target.Name} (pid {trigger.Target.Pid}) on {host}\n");
        text.Append(trigger.Message);
        if (incident.Snapshot is { TopGrowing.Count: > 0 } snapshot)
        {
            text.Append("\nTop growing:");
            foreach (var group in snapshot.TopGrowing.Take(TopGroups))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  {group.Delta:+0;-0;0} {group.Kind} ({group.Now}) {group.Name}{(group.Location is null ? "" : $" ({group.Location})")}");
            }
        }

        if (incident.Snapshot is { DroppedAsync.Count: > 0 } withDropped)
        {
            text.Append("\nDropped async methods (collected unfinished):");
            foreach (var dropped in withDropped.DroppedAsync.Take(TopGroups))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  {dropped.Dropped} {dropped.Method}");
            }
        }

        if (incident.Snapshot?.Location is { } location)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nReport: {location}");
        }

        return text.ToString();
    }

    private static void Generic(Utf8JsonWriter w, LeakIncident incident, string host)
    {
        var trigger = incident.Trigger;
        var verdict = trigger.Verdict;
        w.WriteNumber("version", 1);
        w.WriteString("event", "leak_suspected");
        w.WriteString("rule", verdict.Rule);
        w.WriteString("kind", verdict.RuleKind == RuleKind.Threshold ? "threshold" : "growth");
        w.WriteString("signal", verdict.Signal);
        w.WriteStartObject("labels");
        foreach (var (name, value) in verdict.Labels)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
        w.WriteNumber("pid", trigger.Target.Pid);
        w.WriteString("processName", trigger.Target.Name);
        w.WriteString("host", host);
        w.WriteString("timestamp", verdict.Timestamp);
        w.WriteNumber("value", verdict.Value);
        w.WriteNumber("slopePerSecond", Finite(verdict.Slope));
        w.WriteNumber("windowSeconds", verdict.Window.TotalSeconds);
        WriteOptional(w, "threshold", verdict.Threshold);
        WriteOptional(w, "baselineLimitPerSecond", verdict.BaselineLimit);
        w.WriteString("message", trigger.Message);
        if (incident.Snapshot is { } snapshot)
        {
            w.WriteStartObject("snapshot");
            if (snapshot.Location is not null)
            {
                w.WriteString("location", snapshot.Location);
            }

            w.WriteStartArray("topGrowing");
            foreach (var group in snapshot.TopGrowing.Take(TopGroups))
            {
                w.WriteStartObject();
                w.WriteString("kind", group.Kind);
                w.WriteString("name", group.Name);
                if (group.Location is not null)
                {
                    w.WriteString("location", group.Location);
                }

                w.WriteNumber("before", group.Before);
                w.WriteNumber("now", group.Now);
                w.WriteNumber("delta", group.Delta);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("droppedAsync");
            foreach (var dropped in snapshot.DroppedAsync.Take(TopGroups))
            {
                w.WriteStartObject();
                w.WriteString("method", dropped.Method);
                w.WriteNumber("dropped", dropped.Dropped);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("snapshot");
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            w.WriteNumber(name, number);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
