using System.Globalization;
using System.Runtime.InteropServices;
using LeakWatch.Agent;
using LeakWatch.Core.Async;
using LeakWatch.Core.Samples;

namespace LeakWatch.Cli.Rendering;

/// <summary>
/// A table redrawn in place with ANSI cursor movement, for a person watching a terminal. It fits the terminal: the
/// header, open leak suspicions and the leak signals first, then the rest as rows allow (<see cref="TableLayout"/>),
/// redrawn at once when the terminal is resized. Counters show their rate per second since the previous frame.
/// </summary>
internal sealed class LiveTableRenderer : IRenderer
{
    private const int ValueWidth = 14;
    private const int RateWidth = 12;

    // The heap joins the line view's headline here: heap growth is a leak signal a person watches for.
    private static readonly HashSet<string> LeakSignals =
        [.. SeriesFormatting.Headline.Select(h => h.Name), "dotnet_gc_last_collection_heap_size_bytes"];

    private readonly object _gate = new();
    private readonly TextWriter _output;
    private readonly Func<(int Width, int Height)> _size;
    private readonly Dictionary<(int Pid, string Name, LabelSet Labels), (double Value, DateTimeOffset At)> _previous = new();
    private readonly Suspicions _suspicions = new();
    private readonly PosixSignalRegistration? _resize;
    private (IReadOnlyList<TargetView> Targets, DateTimeOffset Now)? _last;
    private (int Width, int Height) _drawnFor;
    private int _linesDrawn;

    /// <param name="size">The terminal's columns and rows; the console's when null (and then SIGWINCH redraws).</param>
    public LiveTableRenderer(TextWriter output, Func<(int Width, int Height)>? size = null)
    {
        _output = output;
        _size = size ?? ConsoleSize;
        if (size is null && !OperatingSystem.IsWindows())
        {
            _resize = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Redraw());
        }
    }

    public void Render(IReadOnlyList<TargetView> targets, DateTimeOffset now)
    {
        lock (_gate)
        {
            _last = (targets, now);
            var size = _size();
            var rows = new List<TableRow>();
            foreach (var target in targets)
            {
                AppendTarget(rows, target, size.Width);
            }

            var lines = TableLayout.Fit(rows, $"{now:HH:mm:ss}  Ctrl+C to stop", size.Width, size.Height);
            if (size != _drawnFor && _linesDrawn > 0)
            {
                // Lines drawn for another width have rewrapped: counting them back up is no longer exact.
                _output.Write("\u001b[H\u001b[2J");
                _linesDrawn = 0;
            }

            Erase();
            _output.Write(string.Join('\n', lines) + "\n");
            _output.Flush();
            _linesDrawn = lines.Count;
            _drawnFor = size;
        }
    }

    public void Message(string line)
    {
        lock (_gate)
        {
            _suspicions.Observe(line);
            Erase();
            _output.WriteLine(line);
            _output.Flush();
            _linesDrawn = 0;
        }
    }

    private void Redraw()
    {
        lock (_gate)
        {
            if (_last is { } last)
            {
                Render(last.Targets, last.Now);
            }
        }
    }

    private static (int Width, int Height) ConsoleSize()
    {
        try
        {
            return Console.WindowWidth > 0 && Console.WindowHeight > 0 ? (Console.WindowWidth, Console.WindowHeight) : (80, 24);
        }
        catch (IOException)
        {
            return (80, 24);
        }
    }

    private void AppendTarget(List<TableRow> rows, TargetView target, int width)
    {
        var seriesWidth = Math.Clamp(width - 5 - ValueWidth - RateWidth, 20, 58); // one column spare: no line wraps
        var stale = target.SilentFor is { } silent ? $"  \u001b[1;33mSTALE: no data for {SeriesFormatting.Seconds(silent)}, values are old\u001b[0m" : "";
        rows.Add(new(RowPriority.Header, $"\u001b[1m{target.Target.Name}\u001b[0m  pid {target.Target.Pid}{stale}"));
        foreach (var suspicion in _suspicions.For(target.Target.Pid))
        {
            rows.Add(new(RowPriority.Suspicion, $"  \u001b[1;31m{suspicion}\u001b[0m"));
        }

        rows.Add(new(RowPriority.LeakSignal, $"  {"SERIES".PadRight(seriesWidth)} {"VALUE",ValueWidth} {"PER SECOND",RateWidth}"));
        var series = target.Samples.Where(s => !IsAsyncMethodSeries(s)).ToList();
        foreach (var sample in SeriesFormatting.Ordered(series.Where(s => LeakSignals.Contains(s.Name))).Concat(SeriesFormatting.Ordered(series.Where(s => !LeakSignals.Contains(s.Name)))))
        {
            // Label values only: on a terminal the names are known and the values tell rows apart.
            var name = sample.Labels.Count == 0 ? sample.Name : $"{sample.Name}{{{string.Join(',', sample.Labels.Select(l => l.Value))}}}";
            if (name.Length > seriesWidth)
            {
                name = string.Concat(name.AsSpan(0, seriesWidth - 1), "…");
            }

            var rate = sample.Kind == MetricKind.Counter ? Rate(target.Target.Pid, sample) : "";
            var priority = LeakSignals.Contains(sample.Name) ? RowPriority.LeakSignal : RowPriority.Rest;
            rows.Add(new(priority, $"  {name.PadRight(seriesWidth)} {SeriesFormatting.Value(sample.Name, sample.Value),ValueWidth} {rate,RateWidth}"));
        }

        AppendPendingAsync(rows, target, seriesWidth);
        AppendDroppedAsync(rows, target, seriesWidth);
    }

    /// <summary>The async signal's series, shown in their own section rather than in the series list.</summary>
    private static bool IsAsyncMethodSeries(MetricSample sample) =>
        sample.Name.StartsWith("leakwatch_async_operations_", StringComparison.Ordinal);

    /// <summary>
    /// The async signal as its own section: method names are long, and what a person looks for is which methods'
    /// pending counts climb. Sorted by pending, "other" last; PER SECOND is the pending count's change.
    /// </summary>
    private void AppendPendingAsync(List<TableRow> rows, TargetView target, int width)
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

        rows.Add(new(RowPriority.TopPendingAsync, $"  {("PENDING ASYNC OPERATIONS (since " + since + ")").PadRight(width)} {"PENDING",ValueWidth} {"PER SECOND",RateWidth}"));
        var shown = 0;
        foreach (var sample in pending
                     .OrderBy(s => s.Labels[AsyncOperationMetrics.MethodLabel] == AsyncOperationMetrics.OtherMethods)
                     .ThenByDescending(s => s.Value)
                     .ThenBy(s => s.Labels[AsyncOperationMetrics.MethodLabel], StringComparer.Ordinal))
        {
            var method = sample.Labels[AsyncOperationMetrics.MethodLabel] ?? "";
            if (method.Length > width)
            {
                method = string.Concat("…", method.AsSpan(method.Length - width + 1)); // the end names the method
            }

            // The three largest stay when rows are short: the climbing method is usually among them.
            var priority = shown++ < 3 ? RowPriority.TopPendingAsync : RowPriority.Rest;
            rows.Add(new(priority, $"  {method.PadRight(width)} {SeriesFormatting.Value(sample.Name, sample.Value),ValueWidth} {Rate(target.Target.Pid, sample),RateWidth}"));
        }
    }

    /// <summary>Async methods the GC collected unfinished: work that will never complete, by method, most first.</summary>
    private void AppendDroppedAsync(List<TableRow> rows, TargetView target, int width)
    {
        var dropped = target.Samples.Where(s => s.Name == AsyncOperationMetrics.Dropped && s.Value > 0).OrderByDescending(s => s.Value).ToList();
        if (dropped.Count == 0)
        {
            return;
        }

        // Work that will never complete is a leak signal in itself: its header and largest method stay on screen.
        rows.Add(new(RowPriority.LeakSignal, $"  {"DROPPED ASYNC METHODS (collected unfinished)".PadRight(width)} {"DROPPED",ValueWidth} {"PER SECOND",RateWidth}"));
        var shown = 0;
        foreach (var sample in dropped)
        {
            var method = sample.Labels[AsyncOperationMetrics.MethodLabel] ?? "";
            if (method.Length > width)
            {
                method = string.Concat("…", method.AsSpan(method.Length - width + 1));
            }

            var priority = shown++ < 1 ? RowPriority.LeakSignal : RowPriority.Rest;
            rows.Add(new(priority, $"  {method.PadRight(width)} {SeriesFormatting.Value(sample.Name, sample.Value),ValueWidth} {Rate(target.Target.Pid, sample),RateWidth}"));
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
            _output.Write($"\u001b[{_linesDrawn.ToString(CultureInfo.InvariantCulture)}F\u001b[J");
        }
    }
}
