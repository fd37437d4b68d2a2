using System.Globalization;
using System.Text;
using LeakWatch.Agent;
using LeakWatch.Core.Samples;

namespace LeakWatch.Cli.Rendering;

/// <summary>
/// A table redrawn in place with ANSI cursor movement, for a person watching a terminal. Counters show
/// their rate per second since the previous frame, which is what a person compares.
/// </summary>
internal sealed class LiveTableRenderer(TextWriter output) : IRenderer
{
    private readonly object _gate = new();
    private readonly Dictionary<(int Pid, string Name, LabelSet Labels), (double Value, DateTimeOffset At)> _previous = new();
    private int _linesDrawn;

    public void Render(IReadOnlyList<TargetView> targets, DateTimeOffset now)
    {
        lock (_gate)
        {
            var frame = new StringBuilder();
            foreach (var target in targets)
            {
                AppendTarget(frame, target, now);
            }

            frame.Append(CultureInfo.InvariantCulture, $"{now:HH:mm:ss}  Ctrl+C to stop\n");
            Erase();
            output.Write(frame.ToString());
            output.Flush();
            _linesDrawn = frame.ToString().Count(c => c == '\n');
        }
    }

    public void Message(string line)
    {
        lock (_gate)
        {
            Erase();
            output.WriteLine(line);
            output.Flush();
            _linesDrawn = 0;
        }
    }

    private void AppendTarget(StringBuilder frame, TargetView target, DateTimeOffset now)
    {
        frame.Append(CultureInfo.InvariantCulture, $"\u001b[1m{target.Target.Name}\u001b[0m  pid {target.Target.Pid}\n");
        frame.Append(CultureInfo.InvariantCulture, $"  {"SERIES",-58} {"VALUE",14} {"PER SECOND",12}\n");
        foreach (var sample in SeriesFormatting.Ordered(target.Samples))
        {
            // Label values only: on a terminal the names are known and the values tell rows apart.
            var series = sample.Labels.Count == 0 ? sample.Name : $"{sample.Name}{{{string.Join(',', sample.Labels.Select(l => l.Value))}}}";
            if (series.Length > 58)
            {
                series = string.Concat(series.AsSpan(0, 57), "…");
            }

            var rate = sample.Kind == MetricKind.Counter ? Rate(target.Target.Pid, sample) : "";
            frame.Append(CultureInfo.InvariantCulture, $"  {series,-58} {SeriesFormatting.Value(sample.Name, sample.Value),14} {rate,12}\n");
        }

        _ = now;
    }

    private string Rate(int pid, MetricSample sample)
    {
        var key = (pid, sample.Name, sample.Labels);
        var rate = "";
        if (_previous.TryGetValue(key, out var previous) && sample.Timestamp > previous.At)
        {
            var perSecond = (sample.Value - previous.Value) / (sample.Timestamp - previous.At).TotalSeconds;
            rate = SeriesFormatting.Rate(sample.Name, perSecond);
        }

        if (!_previous.TryGetValue(key, out previous) || sample.Timestamp > previous.At)
        {
            _previous[key] = (sample.Value, sample.Timestamp);
        }

        return rate;
    }

    private void Erase()
    {
        if (_linesDrawn > 0)
        {
            // Up to the first line of the last frame, then clear to the end of the screen.
            output.Write($"\u001b[{_linesDrawn.ToString(CultureInfo.InvariantCulture)}F\u001b[J");
        }
    }
}
