using System.Collections.Concurrent;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;

namespace LeakWatch.Agent.Counters;

/// <summary>
/// When each target last sent its counters over EventPipe, the target's own heartbeat (the agent's /proc reads are
/// not: they go on while the target is stopped). Exported as <see cref="MetricName"/>; a target silent longer than
/// <see cref="StaleAfter"/> is stale: /readyz says which, the live view marks it. Thread-safe.
/// </summary>
public sealed class TargetFreshness(TimeSpan staleAfter, ISampleSink exporter)
{
    public const string MetricName = "leakwatch_target_last_sample_timestamp_seconds";

    private readonly ConcurrentDictionary<int, Entry> _targets = new();

    /// <summary>A few intervals: 3 of them, and never under 5 s (a session restart or a snapshot pause is not silence).</summary>
    public static TimeSpan StaleAfterFor(TimeSpan interval) => TimeSpan.FromTicks(Math.Max(interval.Ticks * 3, TimeSpan.FromSeconds(5).Ticks));

    public TimeSpan StaleAfter { get; } = staleAfter;

    /// <summary>Watching begins: silence is counted from now.</summary>
    public void Watching(TargetProcess target, DateTimeOffset now) => _targets.TryAdd(target.Id, new Entry(target, now));

    /// <summary>A sample from the target itself arrived.</summary>
    public void Heard(TargetProcess target, DateTimeOffset now)
    {
        var entry = _targets.GetOrAdd(target.Id, _ => new Entry(target, now));
        Interlocked.Exchange(ref entry.LastTicks, now.UtcTicks);
        entry.HeardOnce = true;
        var second = now.ToUnixTimeSeconds();
        if (Interlocked.Exchange(ref entry.LastExportedSecond, second) != second)
        {
            exporter.OnSample(target, new MetricSample(MetricName, MetricKind.Gauge, now.ToUnixTimeMilliseconds() / 1000.0, now, LabelSet.Empty,
                "When the target last sent its counters (Unix seconds): a value that stops moving means the target sends nothing (stopped, hung)."));
        }
    }

    /// <param name="id">The target's <see cref="TargetProcess.Id"/> (its pid, unless that pid is from another namespace).</param>
    public void Forget(int id) => _targets.TryRemove(id, out _);

    /// <summary>How long the target has been silent, when that is longer than <see cref="StaleAfter"/>; null while it is fresh or unknown.</summary>
    public TimeSpan? SilentFor(int id, DateTimeOffset now) =>
        _targets.TryGetValue(id, out var entry) && Silence(entry, now) is var silence && silence > Allowed(entry) ? silence : null;

    /// <summary>The stale targets, by pid.</summary>
    public IReadOnlyList<(TargetProcess Target, TimeSpan SilentFor)> Stale(DateTimeOffset now) =>
        _targets.Values.Select(e => (e.Target, Silence: Silence(e, now), Allowed: Allowed(e))).Where(e => e.Silence > e.Allowed)
            .OrderBy(e => e.Target.Pid).Select(e => (e.Target, e.Silence)).ToList();

    /// <summary>Before its first sample a target gets <see cref="FirstSampleGrace"/>: starting a session on a busy machine takes seconds.</summary>
    private TimeSpan Allowed(Entry entry) => entry.HeardOnce ? StaleAfter : TimeSpan.FromTicks(Math.Max(StaleAfter.Ticks, FirstSampleGrace.Ticks));

    public static readonly TimeSpan FirstSampleGrace = TimeSpan.FromSeconds(30);

    private static TimeSpan Silence(Entry entry, DateTimeOffset now) => now - new DateTimeOffset(Interlocked.Read(ref entry.LastTicks), TimeSpan.Zero);

    private sealed class Entry(TargetProcess target, DateTimeOffset watchedSince)
    {
        public TargetProcess Target { get; } = target;

        public long LastTicks = watchedSince.UtcTicks;

        public long LastExportedSecond = -1;

        public volatile bool HeardOnce;
    }
}

/// <summary>Passes the counters session's samples on and notes each as heard from the target.</summary>
internal sealed class HeardSink(ISampleSink inner, TargetFreshness freshness, TimeProvider time) : ISampleSink
{
    public void OnSample(TargetProcess target, MetricSample sample)
    {
        freshness.Heard(target, time.GetUtcNow());
        inner.OnSample(target, sample);
    }

    public void OnSeriesEnded(TargetProcess target, string name, LabelSet labels) => inner.OnSeriesEnded(target, name, labels);

    public void OnHistogram(TargetProcess target, HistogramSample sample)
    {
        freshness.Heard(target, time.GetUtcNow());
        inner.OnHistogram(target, sample);
    }
}
