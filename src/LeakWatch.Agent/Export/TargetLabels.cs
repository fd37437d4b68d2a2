using System.Globalization;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Export;

/// <summary>
/// The labels every per-target series carries, built in one place for the exporter, the rules' and the snapshots'
/// series: <c>pid</c>, <c>process_name</c>, <c>runtime_instance</c>, then the user's <c>--label</c>s in name order,
/// then the family's own. <c>runtime_instance</c> (the runtime's instance cookie, listen mode only; empty, so absent
/// on /metrics, otherwise) tells apart runtimes that report the same pid: sidecar apps in their own pid namespaces
/// are all pid 1, and a restarted one is a new instance.
/// Every label value leakwatch exports goes through <see cref="Limit"/> (docs/metrics.md): a 100 KB <c>--label</c>
/// or process name must not make each /metrics answer megabytes.
/// </summary>
public sealed class TargetLabels
{
    public const string RuntimeInstanceName = "runtime_instance";

    /// <summary>The longest label value exported, in UTF-16 characters, marker included.</summary>
    public const int MaxValueLength = 256;

    /// <summary>Ends a cut value, so a reader sees it is not whole.</summary>
    public const string CutMarker = "…";

    public static readonly IReadOnlyList<string> TargetNames = ["pid", "process_name", RuntimeInstanceName];

    /// <param name="staticLabels">The user's labels.</param>
    /// <param name="ownNames">Label names the family sets itself (rule, signal): a user label of that name is left out.</param>
    public TargetLabels(IReadOnlyDictionary<string, string> staticLabels, params string[] ownNames)
    {
        Static = staticLabels.Where(l => !ownNames.Contains(l.Key) && l.Key != RuntimeInstanceName).OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => KeyValuePair.Create(l.Key, Limit(l.Value))).ToArray();
    }

    /// <summary>The user's labels in name order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Static { get; }

    /// <summary>
    /// <paramref name="value"/>, or its first characters and <see cref="CutMarker"/> when it is longer than
    /// <see cref="MaxValueLength"/>; never splits a surrogate pair. Two values alike in their first 255 characters become one series.
    /// </summary>
    public static string Limit(string value)
    {
        if (value.Length <= MaxValueLength)
        {
            return value;
        }

        var keep = MaxValueLength - CutMarker.Length;
        if (char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), CutMarker);
    }

    public static string PidText(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    public string[] Names(params string[] own) => [.. TargetNames, .. Static.Select(l => l.Key), .. own];

    public string[] Values(TargetProcess target, params string[] own) =>
        [PidText(target.Pid), Limit(target.Name), target.RuntimeInstance, .. Static.Select(l => l.Value), .. own.Select(Limit)];

    /// <summary>Whether a series' label values belong to <paramref name="target"/> (pid first, runtime instance third).</summary>
    public static bool BelongsTo(string[] values, TargetProcess target) =>
        values.Length > 2 && values[0] == PidText(target.Pid) && values[2] == target.RuntimeInstance;
}
