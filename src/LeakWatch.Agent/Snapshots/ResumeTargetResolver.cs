using System.Reflection.Metadata;
using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Turns a runtime-async Continuation's Resume pointer into the method it resumes. The DAC maps the pointer to the
/// runtime's resume stub (<see cref="ClrRuntime.GetMethodByInstructionPointer"/>), whose name carries the method's
/// name and whose module is the method's module (<see cref="RuntimeAsyncNaming"/>); the module's metadata, read from
/// the target's memory, gives the declaring type of the async-marked method of that name.
/// It never asks the DAC for the names of a type's methods: on .NET 10 that crashes the DAC (a segmentation fault
/// in this process) for the async variants runtime async adds to a type. One lookup per pointer and per module.
/// </summary>
internal sealed class ResumeTargetResolver(ClrRuntime runtime, ModuleMetadata metadata)
{
    private readonly Dictionary<ulong, ResumeTarget> _byPointer = [];
    private readonly Dictionary<ulong, Dictionary<string, List<string>>?> _asyncMethodsByModule = [];

    public ResumeTarget Resolve(ulong resume)
    {
        if (!_byPointer.TryGetValue(resume, out var target))
        {
            target = Lookup(resume);
            _byPointer[resume] = target;
        }

        return target;
    }

    private ResumeTarget Lookup(ulong resume)
    {
        var stub = resume == 0 ? null : runtime.GetMethodByInstructionPointer(resume);
        if (RuntimeAsyncNaming.MethodNameOfResumeStub(stub?.Name) is not { } method)
        {
            return new ResumeTarget(null, false);
        }

        var types = stub?.Type?.Module is { } module && AsyncMethods(module) is { } index && index.TryGetValue(method, out var found) ? found : null;
        return types switch
        {
            null or [] => new ResumeTarget(RuntimeAsyncNaming.FrameName(null, method), false),
            [var single] => new ResumeTarget(RuntimeAsyncNaming.FrameName(single, method), true),
            _ => new ResumeTarget(RuntimeAsyncNaming.AmbiguousFrameName(types, method), true),
        };
    }

    /// <summary>Method name → declaring types of the module's runtime-async methods; null when its metadata cannot be read.</summary>
    private Dictionary<string, List<string>>? AsyncMethods(ClrModule module)
    {
        if (_asyncMethodsByModule.TryGetValue(module.Address, out var cached))
        {
            return cached;
        }

        var index = metadata.Reader(module) is { } reader ? Index(reader) : null;
        _asyncMethodsByModule[module.Address] = index;
        return index;
    }

    private static Dictionary<string, List<string>> Index(MetadataReader reader)
    {
        var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var handle in reader.MethodDefinitions)
        {
            var method = reader.GetMethodDefinition(handle);
            if (((int)method.ImplAttributes & RuntimeAsyncNaming.AsyncImplFlag) == 0)
            {
                continue;
            }

            var name = reader.GetString(method.Name);
            if (!index.TryGetValue(name, out var types))
            {
                types = [];
                index[name] = types;
            }

            types.Add(FullName(reader, method.GetDeclaringType()));
        }

        return index;
    }

    /// <summary>"Namespace.Outer+Inner", as reflection writes nested types.</summary>
    private static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return $"{FullName(reader, declaring)}+{name}";
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }
}

/// <summary>What a continuation resumes: the frame name, and whether it is a runtime-async method found in metadata
/// (false for the runtime's own await plumbing, named after the awaited call: "[runtime-async] get_Task").</summary>
internal readonly record struct ResumeTarget(string? FrameName, bool IsAsyncMethod);
