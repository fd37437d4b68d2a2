using LeakWatch.Core.Samples;

namespace LeakWatch.Core.Rules;

/// <summary>
/// Adds up the label sets of one family for one process. Samples of a family arrive one label set at a time; a round
/// ends when a label set reports again, and the round's sum becomes one point. A label set silent for a few rounds
/// (a method with nothing pending any more) leaves the sum.
/// </summary>
public sealed class FamilySum
{
    private const int StaleRounds = 3;

    private readonly Dictionary<LabelSet, (double Value, long Round)> _latest = [];
    private readonly HashSet<LabelSet> _inRound = [];
    private DateTimeOffset _roundTimestamp;
    private long _round;

    /// <summary>Returns the previous round's sum when this sample starts a new round.</summary>
    public SeriesPoint? Add(LabelSet labels, double value, DateTimeOffset timestamp)
    {
        SeriesPoint? completed = null;
        if (_inRound.Contains(labels))
        {
            completed = new SeriesPoint(_roundTimestamp, _latest.Values.Sum(v => v.Value));
            _inRound.Clear();
            _round++;
            foreach (var stale in _latest.Where(e => _round - e.Value.Round > StaleRounds).Select(e => e.Key).ToList())
            {
                _latest.Remove(stale);
            }
        }

        _latest[labels] = (value, _round);
        _inRound.Add(labels);
        _roundTimestamp = _inRound.Count == 1 || timestamp > _roundTimestamp ? timestamp : _roundTimestamp;
        return completed;
    }
}
