using System.Reflection;
using LeakWatch.Agent.Targets;
using LeakWatch.Core.Samples;
using Prometheus;

namespace LeakWatch.Agent.Export;

/// <summary>
/// Keeps the latest value of every target series in a prometheus-net registry of its own, so the agent's own
/// .NET runtime metrics (which prometheus-net's default registry would add) never mix with the target's.
/// Every target series carries <see cref="TargetLabels"/>: <c>pid</c>, <c>process_name</c>, <c>runtime_instance</c> in
/// listen mode only, and the user's <c>--label</c>s.
/// </summary>
public sealed class PrometheusExporter : ISampleSink
{

    private readonly object _gate = new();
    private readonly MetricFactory _factory;
    private readonly TargetLabels _labels;
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly AgentHealth _health;
    private readonly SummaryExporter _summaries;

    private sealed record Family(Collector Collector, string[] LabelNames, MetricKind Kind);

    /// <param name="labels">The target labels of every series: the user's, and whether runtime_instance is one (listen mode).</param>
    public PrometheusExporter(TargetLabels labels, AgentHealth health)
    {
        // Constructing the registry through Metrics would also start prometheus-net's default collectors.
        Metrics.SuppressDefaultMetrics();
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
        _labels = labels;
        _health = health;
        _summaries = new SummaryExporter(labels);
        RegisterAgentMetrics();
    }

    public CollectorRegistry Registry { get; }

    public void OnSample(TargetProcess target, MetricSample sample)
    {
        lock (_gate)
        {
            var family = FamilyFor(sample);
            if (family is null)
            {
                return;
            }

            var values = LabelValues(family, target, sample.Labels);
            switch (family.Collector)
            {
                case Gauge gauge:
                    gauge.WithLabels(values).Set(sample.Value);
                    break;
                case Counter counter:
                    // The target publishes cumulative totals; IncTo never moves a counter backwards.
                    counter.WithLabels(values).IncTo(sample.Value);
                    break;
            }
        }
    }

    public void OnHistogram(TargetProcess target, HistogramSample sample) => _summaries.Observe(target, sample);

    public void OnSeriesEnded(TargetProcess target, string name, LabelSet labels)
    {
        lock (_gate)
        {
            if (_families.TryGetValue(name, out var family))
            {
                RemoveLabelled(family.Collector, LabelValues(family, target, labels));
            }
        }
    }

    /// <summary>Drops every series of a process that is gone, so dashboards do not show it frozen.</summary>
    public void RemoveTarget(TargetProcess target)
    {
        _summaries.RemoveTarget(target);
        lock (_gate)
        {
            foreach (var family in _families.Values)
            {
                foreach (var labels in LabelledValues(family.Collector).Where(v => _labels.BelongsTo(v, target)).ToList())
                {
                    RemoveLabelled(family.Collector, labels);
                }
            }
        }
    }

    /// <summary>
    /// The exposition, written straight into <paramref name="destination"/>: the HTTP server's response buffer, sent
    /// with a Content-Length once this returns. prometheus-net writes in small pieces, so it must be a buffer.
    /// </summary>
    public async Task WriteAsync(Stream destination, CancellationToken cancellation)
    {
        await Registry.CollectAndExportAsTextAsync(destination, cancellation).ConfigureAwait(false);
        _summaries.Write(destination);
    }

    private Family? FamilyFor(MetricSample sample)
    {
        if (_families.TryGetValue(sample.Name, out var existing))
        {
            if (existing.Kind != sample.Kind)
            {
                _health.Error("metric_type_conflict");
                return null;
            }

            return existing;
        }

        var labelNames = _labels.TargetNames.Concat(_labels.Static.Select(l => l.Key)).Concat(sample.Labels.Names).Distinct(StringComparer.Ordinal).ToArray();
        Collector collector = sample.Kind == MetricKind.Counter
            ? _factory.CreateCounter(sample.Name, sample.Help, new CounterConfiguration { LabelNames = labelNames, SuppressInitialValue = true })
            : _factory.CreateGauge(sample.Name, sample.Help, new GaugeConfiguration { LabelNames = labelNames, SuppressInitialValue = true });
        var family = new Family(collector, labelNames, sample.Kind);
        _families.Add(sample.Name, family);
        return family;
    }

    private string[] LabelValues(Family family, TargetProcess target, LabelSet sampleLabels)
    {
        var values = new string[family.LabelNames.Length];
        for (var i = _labels.WriteTargetValues(target, values); i < values.Length; i++)
        {
            var name = family.LabelNames[i];
            values[i] = TargetLabels.Limit(sampleLabels[name] ?? StaticLabel(name) ?? "");
        }

        if (sampleLabels.Names.Any(n => Array.IndexOf(family.LabelNames, n) < 0))
        {
            // A family's label names are fixed when it is first seen; a tag that appears later is dropped.
            _health.Error("label_set_changed");
        }

        return values;
    }

    private string? StaticLabel(string name)
    {
        foreach (var (key, value) in _labels.Static)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    private static void RemoveLabelled(Collector collector, string[] labels)
    {
        switch (collector)
        {
            case Gauge gauge:
                gauge.RemoveLabelled(labels);
                break;
            case Counter counter:
                counter.RemoveLabelled(labels);
                break;
        }
    }

    private static IEnumerable<string[]> LabelledValues(Collector collector) => collector switch
    {
        Gauge gauge => gauge.GetAllLabelValues(),
        Counter counter => counter.GetAllLabelValues(),
        _ => [],
    };

    private void RegisterAgentMetrics()
    {
        var version = typeof(PrometheusExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        _factory.CreateGauge("leakwatch_agent_info", "Always 1: the leakwatch version serving these metrics.", ["version"])
            .WithLabels(version.Split('+')[0]).Set(1);
        var events = _factory.CreateCounter("leakwatch_agent_events_total", "EventPipe events the agent has received from its targets.");
        var restarts = _factory.CreateCounter("leakwatch_agent_session_restarts_total", "EventPipe sessions the agent had to start again.");
        var errors = _factory.CreateCounter("leakwatch_agent_errors_total", "Errors the agent recovered from, by kind.", ["kind"]);
        Registry.AddBeforeCollectCallback(() =>
        {
            events.IncTo(_health.EventsReceived);
            restarts.IncTo(_health.SessionRestarts);
            foreach (var (kind, count) in _health.Errors)
            {
                errors.WithLabels(kind).IncTo(count);
            }
        });
    }
}
