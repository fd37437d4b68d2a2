using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Counts what the heap walk visits: objects and shallow bytes per type, and the live timers (<see cref="TimerCensus"/>).
/// Called once per object from <see cref="RuntimeWalker"/>'s object loop, so it must stay cheap: one dictionary
/// lookup per object, a size read only for arrays and strings (their length; a fixed-size type's size is cached
/// per type), and timer fields only for TimerQueueTimer objects.
/// </summary>
internal sealed class HeapCensus
{
    private const string TimerQueueTimerType = "System.Threading.TimerQueueTimer";

    private readonly Dictionary<ulong, TypeTally> _byMethodTable = [];
    private readonly TimerCensus _timers;
    private long _objects;
    private long _bytes;

    public HeapCensus(ClrRuntime runtime) => _timers = new TimerCensus(runtime);

    public void Visit(ClrObject obj, ClrType type)
    {
        if (!_byMethodTable.TryGetValue(type.MethodTable, out var tally))
        {
            tally = new TypeTally(type.Name ?? "?", type.IsFree, type.Name == TimerQueueTimerType, type.ComponentSize == 0 ? type.StaticSize : -1);
            _byMethodTable.Add(type.MethodTable, tally);
        }

        if (tally.IsFree)
        {
            return;
        }

        var size = tally.FixedSize >= 0 ? tally.FixedSize : (long)obj.Size;
        tally.Count++;
        tally.Bytes += size;
        _objects++;
        _bytes += size;
        if (tally.IsTimer)
        {
            _timers.Visit(obj);
        }
    }

    public TimerSection Timers() => _timers.Section();

    /// <summary>The histogram: the top types by bytes, then any of the top types by count not already in.</summary>
    public HeapSection Heap()
    {
        // A type loaded twice (two load contexts, or generic instantiations with the same name) is one row.
        var byName = _byMethodTable.Values
            .Where(t => !t.IsFree && t.Count > 0)
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => new HeapTypeCount(g.Key, g.Sum(t => t.Count), g.Sum(t => t.Bytes)))
            .ToList();
        var bytesFirst = byName.OrderByDescending(t => t.Bytes).ThenBy(t => t.Type, StringComparer.Ordinal).Take(HeapSection.TopTypes);
        var countFirst = byName.OrderByDescending(t => t.Count).ThenBy(t => t.Type, StringComparer.Ordinal).Take(HeapSection.TopTypes);
        return new HeapSection(_objects, _bytes, bytesFirst.Concat(countFirst).Distinct().ToList());
    }

    private sealed class TypeTally(string name, bool isFree, bool isTimer, long fixedSize)
    {
        public string Name { get; } = name;

        public bool IsFree { get; } = isFree;

        public bool IsTimer { get; } = isTimer;

        /// <summary>The size of every object of the type, or -1 for arrays and strings (read per object).</summary>
        public long FixedSize { get; } = fixedSize;

        public int Count { get; set; }

        public long Bytes { get; set; }
    }
}
