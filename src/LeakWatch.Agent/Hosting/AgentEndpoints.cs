using System.Net;
using LeakWatch.Agent.Export;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>The agent's HTTP routes: /metrics, /healthz, /readyz and POST /snapshots, on one <see cref="MetricsServer"/>.</summary>
internal static class AgentEndpoints
{
    public static MetricsServer Create(
        Uri url,
        PrometheusExporter exporter,
        SnapshotRecorder snapshots,
        TargetLabels targetLabels,
        string? apiKey,
        Func<IReadOnlyList<TargetProcess>> targets,
        Func<string?> unhealthyBecause,
        Func<string?> notReadyBecause,
        Action<string> message)
    {
        var snapshotEndpoint = new SnapshotEndpoint(snapshots, apiKey is null ? null : new ApiKeyCheck(apiKey), targetLabels.HasRuntimeInstance, targets, message);
        var server = new MetricsServer(url);
        // The exposition is rendered into the response's own pooled buffer, sized at once like the previous answer.
        var lastExpositionLength = 0;
        server.Map("GET", "/metrics", async (context, cancellation) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            var body = context.Response.OutputStream;
            body.Reserve(Volatile.Read(ref lastExpositionLength));
            await exporter.WriteAsync(body, cancellation).ConfigureAwait(false);
            Volatile.Write(ref lastExpositionLength, (int)body.Length);
        });
        server.Map("POST", SnapshotEndpoint.Path, snapshotEndpoint.HandleAsync);
        server.Map("GET", "/healthz", (context, cancellation) => unhealthyBecause() is { } because
            ? MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.ServiceUnavailable, $"unhealthy: {because}\n", cancellation)
            : MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, "ok\n", cancellation));
        server.Map("GET", "/readyz", (context, cancellation) => notReadyBecause() is { } because
            ? MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.ServiceUnavailable, because + "\n", cancellation)
            : MetricsServer.WriteTextAsync(context.Response, HttpStatusCode.OK, "ready\n", cancellation));
        return server;
    }
}
