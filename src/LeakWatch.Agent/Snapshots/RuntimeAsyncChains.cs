using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Finds pending runtime-async chains during the heap walk. Runtime async (.NET 11's async model; .NET 10 with
/// DOTNET_RuntimeAsync=1) has no state machines: a suspended chain is a Task (<c>AsyncHelpers+ThunkTask</c> on
/// .NET 10) whose <c>m_stateObject</c> is a <c>System.Runtime.CompilerServices.Continuation</c>, linked by
/// <c>Next</c> from the innermost method outward. Each continuation's <c>Resume</c> names its method
/// (<see cref="ResumeTargetResolver"/>), <c>State</c> is the await it is suspended at, and the innermost ones are
/// the runtime's await plumbing, whose <c>GCData</c> holds the awaited object. Fields are read by name through
/// ClrMD, cached per type; verified on .NET 10.0.
/// </summary>
internal sealed class RuntimeAsyncChains(ClrRuntime runtime, ModuleMetadata metadata)
{
    private const string ContinuationType = "System.Runtime.CompilerServices.Continuation";
    private const int MaxContinuations = 256;
    private const int MaxAwaitedSlots = 16;

    private readonly Dictionary<ulong, ClrInstanceField?> _stateObjectFields = [];
    private readonly Dictionary<ulong, ContinuationFields?> _continuations = [];
    private readonly Dictionary<ulong, ulong> _heads = [];
    private readonly ResumeTargetResolver _resolver = new(runtime, metadata);

    /// <summary>Remembers a pending task that carries a runtime-async chain; cheap for every other task (one cached lookup, one read).</summary>
    public void Visit(ClrObject task, ClrType type)
    {
        if (!_stateObjectFields.TryGetValue(type.MethodTable, out var stateObject))
        {
            stateObject = type.GetFieldByName("m_stateObject") is { IsObjectReference: true } field ? field : null;
            _stateObjectFields[type.MethodTable] = stateObject;
        }

        if (stateObject?.ReadObject(task.Address, interior: false) is { IsNull: false, Type: { } headType } head && Continuation(headType) is not null)
        {
            _heads[task.Address] = head.Address;
        }
    }

    /// <summary>Task address → its chain, frames innermost first.</summary>
    public Dictionary<ulong, AsyncNode> Read()
    {
        var nodes = new Dictionary<ulong, AsyncNode>(_heads.Count);
        foreach (var (task, head) in _heads)
        {
            nodes[task] = ReadChain(head);
        }

        return nodes;
    }

    private AsyncNode ReadChain(ulong head)
    {
        var frames = new List<RawAsyncFrame>();
        ulong awaited = 0;
        var address = head;
        for (var i = 0; address != 0 && i < MaxContinuations; i++)
        {
            var obj = runtime.Heap.GetObject(address);
            if (obj.Type is not { } type || Continuation(type) is not { } fields)
            {
                break;
            }

            var resume = fields.Resume.Read<ulong>(address, interior: false);
            if (resume != 0)
            {
                var target = _resolver.Resolve(resume);
                if (!target.IsAsyncMethod && frames.Count == 0)
                {
                    // The runtime's await helper under the innermost method: it holds what that method awaits.
                    awaited = awaited != 0 ? awaited : AwaitedIn(address, fields);
                }
                else
                {
                    var state = fields.State is { } stateField ? (int)stateField.Read<uint>(address, interior: false) : -1;
                    frames.Add(new RawAsyncFrame(target.FrameName ?? RuntimeAsyncNaming.FrameName(null, "?"), state));
                }
            }

            address = fields.Next.ReadObject(address, interior: false).Address;
        }

        return new AsyncNode(frames, awaited);
    }

    /// <summary>The first object in the continuation's saved references that is not a continuation itself.</summary>
    private ulong AwaitedIn(ulong continuation, ContinuationFields fields)
    {
        if (fields.GCData?.ReadObject(continuation, interior: false) is not { IsNull: false, IsArray: true } data)
        {
            return 0;
        }

        var array = data.AsArray();
        for (var i = 0; i < Math.Min(array.Length, MaxAwaitedSlots); i++)
        {
            var item = array.GetObjectValue(i);
            if (!item.IsNull && item.Type is { } itemType && Continuation(itemType) is null)
            {
                return item.Address;
            }
        }

        return 0;
    }

    private ContinuationFields? Continuation(ClrType type)
    {
        if (_continuations.TryGetValue(type.MethodTable, out var cached))
        {
            return cached;
        }

        ContinuationFields? fields = null;
        if (IsContinuation(type) && type.GetFieldByName("Next") is { IsObjectReference: true } next && type.GetFieldByName("Resume") is { } resume)
        {
            fields = new ContinuationFields(next, resume, type.GetFieldByName("State"), type.GetFieldByName("GCData"));
        }

        _continuations[type.MethodTable] = fields;
        return fields;
    }

    private static bool IsContinuation(ClrType type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == ContinuationType)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record ContinuationFields(ClrInstanceField Next, ClrInstanceField Resume, ClrInstanceField? State, ClrInstanceField? GCData);
}
