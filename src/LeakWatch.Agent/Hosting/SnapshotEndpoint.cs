using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using LeakWatch.Core;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// <c>POST /snapshots?pid=N</c>: a stack snapshot on demand, for an incident reached through
/// <c>kubectl port-forward</c>. Off (404) unless an API key is configured; 401 without the right
/// <c>Authorization: Bearer KEY</c>; 429 while another snapshot runs; 404 for a pid the agent does not watch.
/// <c>pid</c> may be left out when exactly one process is watched; in listen mode (<paramref name="runtimeInstances"/>)
/// <c>runtime_instance</c> picks one of several sidecar apps that all report the same pid, and is refused elsewhere.
/// The target is reached through the connection it came from: a pid from another pid namespace is never ptraced here
/// (<see cref="SnapshotRouting"/> takes the EventPipe route). An empty or non-numeric
/// <c>pid=</c> is 400; no body is needed (a bare <c>curl -X POST</c>). Answers the summary lines as text, or JSON with
/// <c>Accept: application/json</c>.
/// </summary>
public sealed class SnapshotEndpoint(SnapshotRecorder recorder, ApiKeyCheck? apiKey, bool runtimeInstances, Func<IReadOnlyList<TargetProcess>> targets, Action<string> message)
{
    public const string Path = "/snapshots";

    public async Task HandleAsync(HttpExchange context, CancellationToken cancellation)
    {
        var response = context.Response;
        if (apiKey is null)
        {
            await MetricsServer.WriteTextAsync(response, HttpStatusCode.NotFound,
                "POST /snapshots is off: configure an API key (--api-key-file FILE or LEAKWATCH_API_KEY) to turn it on.\n", cancellation).ConfigureAwait(false);
            return;
        }

        if (!apiKey.IsAuthorized(context.Request.Headers["Authorization"]))
        {
            response.AddHeader("WWW-Authenticate", "Bearer");
            await MetricsServer.WriteTextAsync(response, HttpStatusCode.Unauthorized, "missing or wrong API key: send Authorization: Bearer KEY\n", cancellation).ConfigureAwait(false);
            return;
        }

        var instance = context.Request.QueryString[TargetLabels.RuntimeInstanceName];
        if (instance is not null && !runtimeInstances)
        {
            // Outside listen mode no series has the label, so no value could be right: say so rather than answer 404.
            await MetricsServer.WriteTextAsync(response, HttpStatusCode.BadRequest,
                "runtime_instance applies only to apps connected to --diagnostic-port: pick the process by pid alone\n", cancellation).ConfigureAwait(false);
            return;
        }

        var watched = targets();
        var pidText = context.Request.QueryString["pid"];
        TargetProcess? target;
        if (pidText is null)
        {
            if (watched.Count != 1)
            {
                var which = watched.Count == 0 ? "no process is watched yet" : $"watching pids {string.Join(", ", watched.Select(t => t.Pid))}";
                await MetricsServer.WriteTextAsync(response, HttpStatusCode.BadRequest, $"say which process: POST /snapshots?pid=N ({which})\n", cancellation).ConfigureAwait(false);
                return;
            }

            target = watched[0];
        }
        else if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            // "pid=" (empty) is a mistake in a script, not a request for the only target.
            await MetricsServer.WriteTextAsync(response, HttpStatusCode.BadRequest, $"pid must be a process id such as pid=4242, not '{Printable(pidText)}'\n", cancellation).ConfigureAwait(false);
            return;
        }
        else
        {
            var (found, ambiguity) = TargetSelection.ByPid(watched, pidText, instance);
            if (ambiguity is not null)
            {
                await MetricsServer.WriteTextAsync(response, HttpStatusCode.BadRequest, ambiguity + "\n", cancellation).ConfigureAwait(false);
                return;
            }

            target = found;
            if (target is null)
            {
                await MetricsServer.WriteTextAsync(response, HttpStatusCode.NotFound, $"not watching a process with pid {pidText}\n", cancellation).ConfigureAwait(false);
                return;
            }
        }

        SnapshotSummary? summary;
        try
        {
            summary = await recorder.TryTakeManualAsync(target, cancellation).ConfigureAwait(false);
        }
        catch (LeakWatchException e)
        {
            message($"Snapshot of {target.Pid} ({target.Name}) failed: {e.Message}");
            await MetricsServer.WriteTextAsync(response, HttpStatusCode.Conflict, e.Message + "\n", cancellation).ConfigureAwait(false);
            return;
        }

        if (summary is null)
        {
            response.AddHeader("Retry-After", "5");
            await MetricsServer.WriteTextAsync(response, (HttpStatusCode)429, "another snapshot is running: try again in a few seconds\n", cancellation).ConfigureAwait(false);
            return;
        }

        foreach (var line in summary.Lines)
        {
            message(line);
        }

        var wantsJson = context.Request.AcceptTypes?.Any(t => t.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)) == true;
        if (wantsJson)
        {
            await MetricsServer.WriteTextAsync(response, HttpStatusCode.OK, ToJson(target, summary), cancellation, "application/json; charset=utf-8").ConfigureAwait(false);
        }
        else
        {
            await MetricsServer.WriteTextAsync(response, HttpStatusCode.OK, string.Join('\n', summary.Lines) + "\n", cancellation).ConfigureAwait(false);
        }
    }

    private static string Printable(string text) =>
        new(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private string ToJson(TargetProcess target, SnapshotSummary summary)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("pid", target.Pid);
            json.WriteString("processName", target.Name);
            if (runtimeInstances)
            {
                json.WriteString("runtimeInstance", target.RuntimeInstance);
            }

            json.WriteString("reason", summary.Reason);
            if (summary.Snapshot is { } snapshot)
            {
                json.WriteString("takenAt", snapshot.TakenAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                json.WriteNumber("threads", snapshot.Threads.Total);
                json.WriteNumber("pendingTasks", snapshot.Tasks.Pending);
                json.WriteNumber("pausedMs", snapshot.PausedMs);
                json.WriteBoolean("partial", snapshot.Partial);
            }

            json.WriteStartArray("growth");
            foreach (var headline in summary.Diff?.Headlines(10) ?? [])
            {
                json.WriteStringValue(headline);
            }

            json.WriteEndArray();
            json.WriteStartArray("files");
            foreach (var file in summary.Files)
            {
                json.WriteStringValue(file);
            }

            json.WriteEndArray();
            json.WriteStartArray("lines");
            foreach (var line in summary.Lines)
            {
                json.WriteStringValue(line);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
