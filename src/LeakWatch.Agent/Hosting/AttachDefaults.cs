namespace LeakWatch.Agent.Hosting;

public static class AttachDefaults
{
    /// <summary>Port 9473: free of dotnet-monitor's 52323/52325 and the OpenTelemetry exporter's 9464.</summary>
    public const int Port = 9473;

    public static readonly Uri Url = new($"http://127.0.0.1:{Port}");

    /// <summary>How often <c>--all</c> lists the processes: a new one is watched within this long.</summary>
    public static readonly TimeSpan DiscoveryInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after a runtime connects to the diagnostic port its EventPipe sessions start. It connects at the very
    /// start of the process, and enabling event sources while the app runs its first static constructors can
    /// deadlock the app inside the runtime (seen: ArrayPoolEventSource's type initializer on the main thread waiting
    /// for EventListener's lock, held by the enable callback of MetricsEventSource waiting for that type initializer;
    /// the test app hung before printing READY in 3 of 3 runs without this delay). <c>--all</c> likewise leaves a
    /// process younger than this for its next round.
    /// </summary>
    public static readonly TimeSpan ListenStartupDelay = TimeSpan.FromSeconds(3);

    /// <summary>How long a runtime on the diagnostic port has to reconnect before it is taken as gone.</summary>
    public static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(3);
}
