using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Runtime.DataReaders.Implementation;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>
/// ClrMD's view of the target: memory from <see cref="Memory"/> (live, or the image captured while frozen), thread
/// contexts from the registers the <see cref="Freezer"/> saved, modules from ClrMD's own reader created without
/// suspension (it never ptraces). No call here can stop or resume the target, and none throws when it exits.
/// </summary>
internal sealed class TargetReader : SpanReader, IDataReader, IThreadReader
{
    private readonly IDataReader _modules;
    private IReadOnlyDictionary<uint, FrozenThread> _threads = new Dictionary<uint, FrozenThread>();

    public TargetReader(IDataReader modules, LiveMemory live)
    {
        _modules = modules;
        Live = live;
        Memory = live;
    }

    public LiveMemory Live { get; }

    /// <summary>Where reads go; switched to a <see cref="ProcessImage"/> once one is captured.</summary>
    public ITargetMemory Memory { get; set; }

    /// <summary>The frozen threads; until set, the walk sees no thread contexts.</summary>
    public IReadOnlyDictionary<uint, FrozenThread> Threads
    {
        get => _threads;
        set => _threads = value;
    }

    public string DisplayName => $"pid {ProcessId.ToString(CultureInfo.InvariantCulture)}";

    public bool IsThreadSafe => false;

    public OSPlatform TargetPlatform => OSPlatform.Linux;

    public Architecture Architecture => _modules.Architecture;

    public int ProcessId => _modules.ProcessId;

    public override int PointerSize => _modules.PointerSize;

    public IEnumerable<ModuleInfo> EnumerateModules()
    {
        try
        {
            return _modules.EnumerateModules().ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return []; // the target exited: the snapshot reports it (exit 8)
        }
    }

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context) =>
        _threads.TryGetValue(threadID, out var thread) && Registers.WriteContext(thread.Registers, contextFlags, context);

    public IEnumerable<uint> EnumerateOSThreadIds() => _threads.Keys;

    public ulong GetThreadTeb(uint osThreadId) => 0;

    public void FlushCachedData()
    {
        try
        {
            _modules.FlushCachedData(); // re-reads /proc/PID/maps
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public override int Read(ulong address, Span<byte> buffer) => Memory.Read(address, buffer);
}
