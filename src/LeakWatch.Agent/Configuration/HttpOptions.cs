namespace LeakWatch.Agent.Configuration;

/// <summary>The agent's HTTP side: /metrics, /healthz, /readyz and POST /snapshots.</summary>
public sealed record HttpOptions
{
    /// <summary>Where to listen; null serves nothing (<c>--urls none</c>).</summary>
    public Uri? Url { get; init; } = HttpDefaults.Url;

    /// <summary>The key <c>POST /snapshots</c> requires as <c>Authorization: Bearer KEY</c>; null turns the endpoint off.</summary>
    public string? ApiKey { get; init; }
}

public static class HttpDefaults
{
    /// <summary>Port 9473: free of dotnet-monitor's 52323/52325 and the OpenTelemetry exporter's 9464.</summary>
    public const int Port = 9473;

    public static readonly Uri Url = new($"http://127.0.0.1:{Port}");
}
