using System.Globalization;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Export;

/// <summary>
/// The labels every per-target series carries, built in one place for the exporter, the rules' and the snapshots'
/// series: <c>pid</c>, <c>process_name</c>, <c>runtime_instance</c> when <see cref="HasRuntimeInstance"/>, then the
/// user's <c>--label</c>s in name order, then the family's own.
/// <c>runtime_instance</c> (the runtime's instance cookie) exists only in listen mode (<c>--diagnostic-port</c>), where
/// it tells apart runtimes that report the same pid: sidecar apps in their own pid namespaces are all pid 1, and a
/// restarted one is a new instance. Everywhere else the pid is unique on the machine, so the label is never created
/// rather than exported empty. The host decides once, from its options (<c>TargetsOptions.LabelsRuntimeInstance</c>).
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

    private static readonly string[] PidAndName = ["pid", "process_name"];
    private static readonly string[] PidNameAndInstance = ["pid", "process_name", RuntimeInstanceName];

    /// <param name="staticLabels">The user's labels.</param>
    /// <param name="runtimeInstance">Whether series carry <c>runtime_instance</c>: listen mode only.</param>
    /// <param name="ownNames">Label names the family sets itself (rule, signal): a user label of that name is left out.</param>
    public TargetLabels(IReadOnlyDictionary<string, string> staticLabels, bool runtimeInstance, params string[] ownNames)
    {
        HasRuntimeInstance = runtimeInstance;
        TargetNames = runtimeInstance ? PidNameAndInstance : PidAndName;
        // runtime_instance is leakwatch's name in every mode (LabelParser refuses it), so a user label never takes it.
        Static = staticLabels.Where(l => !ownNames.Contains(l.Key) && l.Key != RuntimeInstanceName).OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => KeyValuePair.Create(l.Key, Limit(l.Value))).ToArray();
    }

    /// <summary>Whether every per-target series has a (non-empty) <c>runtime_instance</c>.</summary>
    public bool HasRuntimeInstance { get; }

    /// <summary><c>pid</c>, <c>process_name</c> and, in listen mode, <c>runtime_instance</c>: the first values of every per-target series.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>The user's labels in name order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Static { get; }

    /// <summary>The same target labels for a family that sets <paramref name="ownNames"/> itself.</summary>
    public TargetLabels Without(params string[] ownNames) =>
        new(Static.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal), HasRuntimeInstance, ownNames);

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

    public string[] Values(TargetProcess target, params string[] own)
    {
        var values = new string[TargetNames.Count + Static.Count + own.Length];
        var next = WriteTargetValues(target, values);
        foreach (var (_, value) in Static)
        {
            values[next++] = value;
        }

        foreach (var value in own)
        {
            values[next++] = Limit(value);
        }

        return values;
    }

    /// <summary>Fills the first <see cref="TargetNames"/> values for <paramref name="target"/>; returns how many.</summary>
    public int WriteTargetValues(TargetProcess target, string[] values)
    {
        values[0] = PidText(target.Pid);
        values[1] = Limit(target.Name);
        if (HasRuntimeInstance)
        {
            values[2] = target.RuntimeInstance;
        }

        return TargetNames.Count;
    }

    /// <summary>
    /// Whether a series' label values belong to <paramref name="target"/>: its pid, and in listen mode its runtime
    /// instance too (several apps there report pid 1). Outside listen mode the pid names one process.
    /// </summary>
    public bool BelongsTo(string[] values, TargetProcess target) =>
        values.Length >= TargetNames.Count && values[0] == PidText(target.Pid) && (!HasRuntimeInstance || values[2] == target.RuntimeInstance);
}
