using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Groups the TimerQueueTimer objects that are not cancelled (a Timer never disposed, a pending Task.Delay, a
/// CancelAfter) by the method their TimerCallback calls and their period. The method is resolved once per distinct
/// delegate method pointer: thousands of leaked timers with one callback cost one lookup.
/// </summary>
internal sealed class TimerCensus
{
    /// <summary>TimerQueueTimer._period for a one-shot timer (Timeout.UnsignedInfinite).</summary>
    private const uint OneShot = uint.MaxValue;

    private readonly ClrRuntime _runtime;
    private readonly Dictionary<(ulong, ulong), string> _callbackNames = [];
    private readonly Dictionary<(string Callback, long? PeriodMs), int> _groups = [];
    private Fields? _fields;
    private int _total;

    public TimerCensus(ClrRuntime runtime) => _runtime = runtime;

    public void Visit(ClrObject timer)
    {
        var fields = _fields ??= Fields.Of(timer.Type!);
        if (fields.Canceled?.Read<bool>(timer.Address, interior: false) == true)
        {
            return;
        }

        var period = fields.Period?.Read<uint>(timer.Address, interior: false) ?? OneShot;
        var callback = fields.Callback?.ReadObject(timer.Address, interior: false) ?? default;
        var key = (CallbackName(callback), period == OneShot ? (long?)null : period);
        _groups[key] = _groups.GetValueOrDefault(key) + 1;
        _total++;
    }

    /// <summary>The groups; callbacks still carry their <see cref="CodeReference"/> until <see cref="SnapshotService"/> resolves them.</summary>
    public TimerSection Section() => new(
        _total,
        _groups.OrderByDescending(g => g.Value)
            .ThenBy(g => g.Key.Callback, StringComparer.Ordinal)
            .Select(g => new TimerGroup(g.Value, g.Key.Callback, g.Key.PeriodMs))
            .ToList());

    private string CallbackName(ClrObject callback)
    {
        if (callback.IsNull || !callback.IsDelegate)
        {
            return "[no callback]";
        }

        // Delegate._methodPtr and _methodPtrAux: which method it calls (Aux for static methods and some thunks).
        var key = (callback.ReadField<ulong>("_methodPtr"), callback.ReadField<ulong>("_methodPtrAux"));
        if (!_callbackNames.TryGetValue(key, out var name))
        {
            var method = callback.AsDelegate().GetDelegateTarget()?.Method;
            name = method is null
                ? "[unknown callback]"
                : CodeReference.Append(FrameNormalizer.CleanName($"{method.Type?.Name ?? "?"}.{method.Name}"), method, CodeReference.Declaration);
            _callbackNames[key] = name;
        }

        return name;
    }

    private sealed record Fields(ClrInstanceField? Canceled, ClrInstanceField? Period, ClrInstanceField? Callback)
    {
        public static Fields Of(ClrType type) =>
            new(type.GetFieldByName("_canceled"), type.GetFieldByName("_period"), type.GetFieldByName("_timerCallback"));
    }
}
