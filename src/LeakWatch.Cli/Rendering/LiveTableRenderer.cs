using System.Globalization;
using System.Text;
using LeakWatch.Agent;
using LeakWatch.Core.Async;
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
        foreach (var sample in SeriesFormatting.Ordered(target.Samples.Where(s => !IsAsyncMethodSeries(s))))
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

        AppendPendingAsync(frame, target);
        AppendDroppedAsync(frame, target);
        _ = now;
    }

    /// <summary>The async signal's series, shown in their own section rather than in the series list.</summary>
    private static bool IsAsyncMethodSeries(MetricSample sample) =>
        sample.Name.StartsWith("leakwatch_async_operations_", StringComparison.Ordinal);

    /// <summary>
    /// The async signal as its own section: method names are long, and what a person looks for is which methods'
    /// pending counts climb. Sorted by pending, "other" last; PER SECOND is the pending count's change.
    /// </summary>
    private void AppendPendingAsync(StringBuilder frame, TargetView target)
    {
        var pending = target.Samples.Where(s => s.Name == AsyncOperationMetrics.Pending).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var since = target.Samples.FirstOrDefault(s => s.Name == AsyncOperationMetrics.TrackingStart) is { } start
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(start.Value * 1000)).ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : "attach";
        var resets = target.Samples.Where(s => s.Name == AsyncOperationMetrics.Resets && s.Value > 0)
            .Select(s => $"{s.Labels[AsyncOperationMetrics.ReasonLabel]} {s.Value.ToString("0", CultureInfo.InvariantCulture)}")
            .ToList();
        if (resets.Count > 0)
        {
            since += $"; reset: {string.Join(", ", resets)}";
        }

        frame.Append(CultureInfo.InvariantCulture, $"  {"PENDING ASYNC OPERATIONS (since " + since + ")",-58} {"PENDING",14} {"PER SECOND",12}\n");
        foreach (var sample in pending
                     .OrderBy(s => s.Labels[AsyncOperationMetrics.MethodLabel] == AsyncOperationMetrics.OtherMethods)
                     .ThenByDescending(s => s.Value)
                     .ThenBy(s => s.Labels[AsyncOperationMetrics.MethodLabel], StringComparer.Ordinal))
        {
            var method = sample.Labels[AsyncOperationMetrics.MethodLabel] ?? "";
            if (method.Length > 58)
            {
                method = string.Concat("…", method.AsSpan(method.Length - 57)); // the end names the method
            }

            frame.Append(CultureInfo.InvariantCulture, $"  {method,-58} {SeriesFormatting.Value(sample.Name, sample.Value),14} {Rate(target.Target.Pid, sample),12}\n");
        }
    }

    /// <summary>Async methods the GC collected unfinished: work that will never complete, by method, most first.</summary>
    private void AppendDroppedAsync(StringBuilder frame, TargetView target)
    {
        var dropped = target.Samples.Where(s => s.Name == AsyncOperationMetrics.Dropped && s.Value > 0).OrderByDescending(s => s.Value).ToList();
        if (dropped.Count == 0)
        {
            return;
        }

        frame.Append(CultureInfo.InvariantCulture, $"  {"DROPPED ASYNC METHODS (collected unfinished)",-58} {"DROPPED",14} {"PER SECOND",12}\n");
        foreach (var sample in dropped)
        {
            var method = sample.Labels[AsyncOperationMetrics.MethodLabel] ?? "";
            if (method.Length > 58)
            {
                method = string.Concat("…", method.AsSpan(method.Length - 57));
            }

            frame.Append(CultureInfo.InvariantCulture, $"  {method,-58} {SeriesFormatting.Value(sample.Name, sample.Value),14} {Rate(target.Target.Pid, sample),12}\n");
        }
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
