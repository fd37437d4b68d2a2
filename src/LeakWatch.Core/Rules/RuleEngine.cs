using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Rules;

/// <summary>
/// Applies leak rules to a stream of samples, one process and one series at a time. Pure: time comes from the samples,
/// nothing runs in the background, and the same samples always give the same verdicts. Not thread-safe; the agent's
/// sink serialises calls.
/// </summary>
public sealed class RuleEngine
{
    private readonly IReadOnlyList<RuleOptions> _rules;
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Rule, int Pid, string Series, LabelSet Labels), RuleTrack> _tracks = [];
    private readonly Dictionary<(string Rule, int Pid), SignalTrack> _companions = [];
    private readonly HashSet<(string Series, int Pid)> _mainSeen = [];

    public RuleEngine(IEnumerable<RuleOptions> rules)
    {
        _rules = rules.Where(r => r.Enabled).ToList();
        foreach (var rule in _rules)
        {
            _watched.Add(rule.Series);
            if (rule.Fallback is not null)
            {
                _watched.Add(rule.Fallback.Series);
            }

            if (rule.While is not null)
            {
                _watched.Add(rule.While.Series);
            }
        }
    }

    public IReadOnlyList<RuleOptions> Rules => _rules;

    /// <summary>True when some rule reads this family; everything else can skip the engine.</summary>
    public bool Watches(string series) => _watched.Contains(series);

    public IReadOnlyList<RuleVerdict> Observe(int pid, MetricSample sample)
    {
        if (!_watched.Contains(sample.Name))
        {
            return [];
        }

        List<RuleVerdict>? verdicts = null;
        foreach (var rule in _rules)
        {
            if (rule.While is { } companion && SignalTrack.Matches(companion, sample))
            {
                CompanionFor(rule, pid).Accept(sample);
            }

            var main = rule.MainSignal;
            if (SignalTrack.Matches(main, sample))
            {
                if (rule.Fallback is not null && _mainSeen.Add((main.Series, pid)))
                {
                    // The real signal appeared: the fallback's opinion no longer counts.
                    foreach (var forgotten in ForgetTracks(t => t.Rule == rule.Name && t.Pid == pid && t.Series == rule.Fallback.Series))
                    {
                        (verdicts ??= []).Add(forgotten);
                    }
                }

                Evaluate(rule, main, pid, sample, ref verdicts);
            }
            else if (rule.Fallback is { } fallback && SignalTrack.Matches(fallback, sample) && !_mainSeen.Contains((main.Series, pid)))
            {
                Evaluate(rule, fallback, pid, sample, ref verdicts);
            }
        }

        return verdicts ?? (IReadOnlyList<RuleVerdict>)[];
    }

    /// <summary>Forgets a process that exited; returns Cleared verdicts for what was suspected.</summary>
    public IReadOnlyList<RuleVerdict> RemoveProcess(int pid)
    {
        foreach (var key in _companions.Keys.Where(k => k.Pid == pid).ToList())
        {
            _companions.Remove(key);
        }

        _mainSeen.RemoveWhere(k => k.Pid == pid);
        return ForgetTracks(t => t.Pid == pid);
    }

    private void Evaluate(RuleOptions rule, SignalOptions signal, int pid, MetricSample sample, ref List<RuleVerdict>? verdicts)
    {
        var labels = signal.Aggregate == SeriesAggregation.Sum ? LabelSet.Empty : sample.Labels;
        var key = (rule.Name, pid, signal.Series, labels);
        if (!_tracks.TryGetValue(key, out var track))
        {
            track = new RuleTrack(rule, signal, pid, labels);
            _tracks.Add(key, track);
        }

        if (track.Main.Accept(sample) is not { } point)
        {
            return;
        }

        _companions.TryGetValue((rule.Name, pid), out var companion);
        if (track.Evaluate(point, companion) is { } verdict)
        {
            (verdicts ??= []).Add(verdict);
        }
    }

    private SignalTrack CompanionFor(RuleOptions rule, int pid)
    {
        if (!_companions.TryGetValue((rule.Name, pid), out var track))
        {
            // A companion is always read as one series per process: the sum of its label sets.
            track = new SignalTrack(rule.While! with { Aggregate = SeriesAggregation.Sum }, rule.Window);
            _companions.Add((rule.Name, pid), track);
        }

        return track;
    }

    private List<RuleVerdict> ForgetTracks(Func<(string Rule, int Pid, string Series, LabelSet Labels), bool> which)
    {
        var cleared = new List<RuleVerdict>();
        foreach (var key in _tracks.Keys.Where(which).ToList())
        {
            if (_tracks[key].Forget() is { } verdict)
            {
                cleared.Add(verdict);
            }

            _tracks.Remove(key);
        }

        return cleared;
    }
}
