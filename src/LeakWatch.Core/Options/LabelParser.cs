using LeakWatch.Core.Naming;

namespace LeakWatch.Core.Options;

/// <summary>Parses "--label key=value" into a valid Prometheus label pair, refusing names the exporter owns.</summary>
public static class LabelParser
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "pid", "process_name", "runtime_instance", "job", "instance", "le", "quantile" };

    public static bool TryParse(string text, out KeyValuePair<string, string> label, out string error)
    {
        label = default;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            error = $"'{text}' is not key=value (for example --label service=orders).";
            return false;
        }

        var name = text[..equals].Trim();
        if (PrometheusNaming.Sanitize(name, allowColon: false) != name || name.StartsWith("__", StringComparison.Ordinal))
        {
            error = $"'{name}' is not a valid Prometheus label name: use letters, digits and '_', not starting with a digit or '__'.";
            return false;
        }

        if (Reserved.Contains(name))
        {
            error = $"'{name}' is set by leakwatch or Prometheus itself; choose another label name.";
            return false;
        }

        label = KeyValuePair.Create(name, text[(equals + 1)..]);
        error = "";
        return true;
    }
}
