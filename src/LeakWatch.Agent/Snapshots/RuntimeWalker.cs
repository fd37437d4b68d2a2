using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Reads thread stacks and pending async chains from a ClrMD runtime (live and suspended, or from a dump).
/// It never calls <c>ClrObject.Size</c> (one read per object on a live target) and reads task fields through
/// per-type cached field handles, so a heap of millions of objects is walked in about a second.
/// </summary>
internal sealed class RuntimeWalker
{
    // Task.m_stateFlags: RanToCompletion | Faulted | Canceled.
    private const int CompletedMask = 0x1600000;
    private const int BudgetCheckEvery = 4096;

    private readonly ClrRuntime _runtime;
    private readonly SnapshotOptions _options;
    private readonly PauseBudget _budget;
    private readonly Dictionary<ulong, TaskTypeInfo?> _taskTypes = [];
    private readonly Dictionary<ulong, StateMachineInfo?> _stateMachines = [];
    private readonly HeapCensus _census;
    private bool _heapWalked;
    private ModuleMetadata? _metadata;

    public RuntimeWalker(ClrRuntime runtime, SnapshotOptions options, PauseBudget budget)
    {
        _runtime = runtime;
        _options = options;
        _budget = budget;
        _census = new HeapCensus(runtime);
    }

    public RawWalk Walk()
    {
        // Names come from the modules' metadata, read once per walk (ModuleMetadata says why not from the DAC).
        using var metadata = new ModuleMetadata(_runtime);
        _metadata = metadata;
        var stacks = WalkThreads(new FrameNamer(metadata));
        SnapshotService.Trace(_budget, "threads read");
        var (pending, chains) = _budget.Exhausted() ? (0, new List<RawTaskChain>()) : WalkTasks(new RuntimeAsyncChains(_runtime, metadata));
        return new RawWalk(stacks, chains, pending, _budget.StopReason, _runtime.ClrInfo.Version is { Major: > 0 } v ? v.ToString() : null)
        {
            Heap = _heapWalked ? _census.Heap() : null,
            Timers = _heapWalked ? _census.Timers() : null,
        };
    }

    private List<IReadOnlyList<string?>> WalkThreads(FrameNamer frameNamer)
    {
        var stacks = new List<IReadOnlyList<string?>>();
        foreach (var thread in _runtime.Threads)
        {
            if (_budget.Exhausted())
            {
                break;
            }

            if (!thread.IsAlive)
            {
                continue;
            }

            var frames = new List<string?>();
            foreach (var frame in thread.EnumerateStackTrace(includeContext: false, maxFrames: _options.MaxFramesPerThread))
            {
                frames.Add(frameNamer.Name(frame));
            }

            stacks.Add(frames);
        }

        return stacks;
    }

    private (int Pending, List<RawTaskChain> Chains) WalkTasks(RuntimeAsyncChains runtimeAsync)
    {
        var heap = _runtime.Heap;
        if (!heap.CanWalkHeap)
        {
            // Suspended in the middle of a garbage collection: objects are moving, the heap cannot be read now.
            _budget.Stop("the target was in a garbage collection, so its tasks could not be read; try again");
            return (0, []);
        }

        _heapWalked = true;
        var pendingTasks = 0;
        // Box address → the object its state machine awaits (0 when unknown), for every pending async method.
        var boxes = new Dictionary<ulong, PendingBox>();
        var seen = 0;
        foreach (var obj in heap.EnumerateObjects())
        {
            if (++seen % BudgetCheckEvery == 0 && _budget.Exhausted())
            {
                break;
            }

            var type = obj.Type;
            if (type is null)
            {
                continue;
            }

            _census.Visit(obj, type);
            if (TaskInfo(type) is not { } info)
            {
                continue;
            }

            var flags = info.StateFlags.Read<int>(obj.Address, interior: false);
            if ((flags & CompletedMask) != 0)
            {
                continue;
            }

            if (++pendingTasks > _options.MaxPendingTasks)
            {
                _budget.Stop($"more than {_options.MaxPendingTasks} pending tasks");
                break;
            }

            if (info.StateMachineField is { } stateMachineField)
            {
                boxes[obj.Address] = ReadBox(obj, stateMachineField);
            }
            else
            {
                runtimeAsync.Visit(obj, type);
            }
        }

        // Runtime-async tasks and state-machine boxes link into one set of chains (a chain may mix both).
        var nodes = runtimeAsync.Read();
        foreach (var (address, box) in boxes)
        {
            nodes[address] = new AsyncNode([box.Frame()], box.Awaited);
        }

        return (pendingTasks, AsyncChainLinker.Link(nodes, DescribeLeaf));
    }

    private (string? Type, bool HasDelegate) DescribeLeaf(ulong address)
    {
        var obj = _runtime.Heap.GetObject(address);
        if (obj.Type is not { } type)
        {
            return (null, false);
        }

        var hasDelegate = TaskInfo(type) is { Action: { } action } && action.ReadObject(address, interior: false).Address != 0;
        return (type.Name, hasDelegate);
    }

    private PendingBox ReadBox(ClrObject box, ClrInstanceField stateMachineField)
    {
        StateMachineInfo? info;
        ulong machineAddress;
        bool interior;
        if (stateMachineField.IsObjectReference)
        {
            // Debug builds: the state machine is a class the box points to.
            var machine = stateMachineField.ReadObject(box.Address, interior: false);
            if (machine.Type is null)
            {
                return new PendingBox("?", -1, 0, null);
            }

            info = StateMachine(machine.Type);
            machineAddress = machine.Address;
            interior = false;
        }
        else
        {
            info = stateMachineField.Type is { } structType ? StateMachine(structType) : null;
            machineAddress = stateMachineField.GetAddress(box.Address, interior: false);
            interior = true;
        }

        if (info is null)
        {
            return new PendingBox(stateMachineField.Type?.Name ?? "?", -1, 0, null);
        }

        var state = info.State?.Read<int>(machineAddress, interior) ?? -1;
        foreach (var awaiter in info.Awaiters)
        {
            var awaited = awaiter.ReadAwaited(machineAddress, interior);
            if (awaited != 0)
            {
                return new PendingBox(info.Name, state, awaited, info);
            }
        }

        return new PendingBox(info.Name, state, 0, info);
    }

    private TaskTypeInfo? TaskInfo(ClrType type)
    {
        if (_taskTypes.TryGetValue(type.MethodTable, out var cached))
        {
            return cached;
        }

        TaskTypeInfo? info = null;
        if (IsTask(type) && type.GetFieldByName("m_stateFlags") is { } flags)
        {
            info = new TaskTypeInfo(flags, type.GetFieldByName("m_action"), type.GetFieldByName("StateMachine"));
        }

        _taskTypes[type.MethodTable] = info;
        return info;
    }

    private static bool IsTask(ClrType type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == "System.Threading.Tasks.Task")
            {
                return true;
            }
        }

        return false;
    }

    private StateMachineInfo? StateMachine(ClrType type)
    {
        if (_stateMachines.TryGetValue(type.MethodTable, out var cached))
        {
            return cached;
        }

        var awaiters = type.Fields
            .Where(f => f.Name is { } name && name.StartsWith("<>u__", StringComparison.Ordinal))
            .Select(AwaiterReader.For)
            .OfType<AwaiterReader>()
            .ToList();
        // MoveNext's token and module, for the await's source line once the target runs again (SourceLocator).
        // From metadata, not ClrType.Methods: ModuleMetadata says why the DAC is not asked for method lists.
        var info = new StateMachineInfo(type.Name ?? "?", type.GetFieldByName("<>1__state"), awaiters)
        {
            ModulePath = type.Module?.Name is { Length: > 0 } module ? module : null,
            MoveNextToken = _metadata?.MethodToken(type, "MoveNext") ?? 0,
        };
        _stateMachines[type.MethodTable] = info;
        return info;
    }

    private sealed record TaskTypeInfo(ClrInstanceField StateFlags, ClrInstanceField? Action, ClrInstanceField? StateMachineField);

    private sealed record StateMachineInfo(string Name, ClrInstanceField? State, List<AwaiterReader> Awaiters)
    {
        public string? ModulePath { get; init; }

        public int MoveNextToken { get; init; }
    }

    private readonly record struct PendingBox(string StateMachineType, int State, ulong Awaited, StateMachineInfo? Info)
    {
        public RawAsyncFrame Frame() => new(StateMachineType, State) { ModulePath = Info?.ModulePath, MoveNextToken = Info?.MoveNextToken ?? 0 };
    }
}
