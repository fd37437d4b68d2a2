using System.Globalization;
using System.Text;
using LeakWatch.Agent;

namespace LeakWatch.Cli.Rendering;

/// <summary>One line per target per interval with the headline leak signals: for logs and pipes.</summary>
internal sealed class LineRenderer(TextWriter output) : IRenderer
{
    private readonly object _gate = new();

    public void Render(IReadOnlyList<TargetView> targets, DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var target in targets)
            {
                var line = new StringBuilder();
                line.Append(CultureInfo.InvariantCulture, $"{now:yyyy-MM-ddTHH:mm:ssZ} pid={target.Target.Pid} name={target.Target.Name}");
                foreach (var (name, shortName) in SeriesFormatting.Headline)
                {
                    var samples = target.Samples.Where(s => s.Name == name).ToList();
                    if (samples.Count > 0)
                    {
                        line.Append(' ').Append(shortName).Append('=').Append(samples.Sum(s => s.Value).ToString("0.###", CultureInfo.InvariantCulture));
                    }
                }

                if (target.SilentFor is { } silent)
                {
                    line.Append(" stale=").Append(SeriesFormatting.Seconds(silent));
                }

                output.WriteLine(line.ToString());
            }

            output.Flush();
        }
    }

    public void Message(string line)
    {
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
