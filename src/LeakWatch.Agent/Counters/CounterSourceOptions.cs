namespace LeakWatch.Agent.Counters;

/// <summary>What the counter source asks the target for. Defaults in <see cref="CounterSourceDefaults"/>.</summary>
public sealed record CounterSourceOptions
{
    /// <summary>How often the target publishes values.</summary>
    public TimeSpan Interval { get; init; } = CounterSourceDefaults.Interval;

    /// <summary>The app's own System.Diagnostics.Metrics meters to stream besides the runtime's.</summary>
    public IReadOnlyList<string> Meters { get; init; } = [];

    /// <summary>Series the target's MetricsEventSource may track at once (its own guard against tag explosions).</summary>
    public int MaxTimeSeries { get; init; } = CounterSourceDefaults.MaxTimeSeries;

    /// <summary>Histogram series (one per instrument and tag set) the target may aggregate at once; each costs it about 32 KB.</summary>
    public int MaxHistograms { get; init; } = CounterSourceDefaults.MaxHistograms;
}

public static class CounterSourceDefaults
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public const int MaxTimeSeries = 1000;

    /// <summary>
    /// The runtime's own default and dotnet-monitor's. Sessions sharing the target's metrics must agree on it:
    /// dotnet-counters asks for 10 unless run with <c>--maxHistograms 20</c>.
    /// </summary>
    public const int MaxHistograms = 20;

    /// <summary>Meters every target gets: the runtime's, and ASP.NET Core's when the target is a web app.</summary>
    public static readonly IReadOnlyList<string> BuiltInMeters =
    [
        "System.Runtime",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
    ];
}
