using System.Globalization;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Hosting;

/// <summary>Which watched target a request means: by pid, and by runtime instance when several report that pid.</summary>
internal static class TargetSelection
{
    /// <returns>The target (null: none), or why the request must say more.</returns>
    public static (TargetProcess? Target, string? Ambiguity) ByPid(IReadOnlyList<TargetProcess> watched, string pidText, string? runtimeInstance)
    {
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return (null, null);
        }

        var matches = watched.Where(t => t.Pid == pid).ToList();
        if (!string.IsNullOrEmpty(runtimeInstance))
        {
            matches = matches.Where(t => string.Equals(t.RuntimeInstance, runtimeInstance, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        return matches.Count > 1
            ? (null, $"{matches.Count} processes report pid {pid} (apps in their own pid namespaces): add &runtime_instance= one of {string.Join(", ", matches.Select(t => t.RuntimeInstance))}")
            : (matches.FirstOrDefault(), null);
    }
}
