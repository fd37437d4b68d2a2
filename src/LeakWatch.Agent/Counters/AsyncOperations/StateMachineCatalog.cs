using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using LeakWatch.Core.Async;

namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>
/// The async state machines declared in a target's assemblies, read from their metadata (never loaded), so the bare
/// type names the runtime reports (<c>&lt;DupAsync&gt;d__1</c>) can be shown as the methods they come from
/// (<c>Billing.Invoices.DupAsync</c>). Thread-safe.
/// </summary>
public sealed class StateMachineCatalog
{
    private readonly object _gate = new();
    private readonly HashSet<string> _readPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StateMachineEntry>> _byTypeName = new(StringComparer.Ordinal);

    /// <summary>Assemblies read so far.</summary>
    public int AssemblyCount
    {
        get
        {
            lock (_gate)
            {
                return _readPaths.Count;
            }
        }
    }

    /// <summary>Reads the assemblies not read before; unreadable files (native libraries, gone, no access) are skipped.</summary>
    /// <returns>How many new assemblies were read.</returns>
    public int AddAssemblies(IEnumerable<string> paths)
    {
        var added = 0;
        foreach (var path in paths)
        {
            lock (_gate)
            {
                if (!_readPaths.Add(path))
                {
                    continue;
                }
            }

            var entries = Read(path);
            lock (_gate)
            {
                foreach (var entry in entries)
                {
                    if (!_byTypeName.TryGetValue(entry.TypeName, out var list))
                    {
                        list = [];
                        _byTypeName[entry.TypeName] = list;
                    }

                    if (!list.Exists(e => e.FullName == entry.FullName))
                    {
                        list.Add(entry);
                    }
                }
            }

            added++;
        }

        return added;
    }

    /// <summary>
    /// Adds state machines known by their full type names (from the runtime's rundown, for an app whose assemblies
    /// cannot be opened); generic arguments the runtime writes in brackets are dropped.
    /// </summary>
    public int AddFullNames(IEnumerable<string> fullNames, string source)
    {
        var added = 0;
        foreach (var raw in fullNames)
        {
            var fullName = raw.Split('[')[0];
            var typeName = fullName[(fullName.LastIndexOf('+') + 1)..];
            if (AsyncMethodNaming.DisplayName(fullName) is not { } display)
            {
                continue;
            }

            lock (_gate)
            {
                if (!_byTypeName.TryGetValue(typeName, out var list))
                {
                    list = [];
                    _byTypeName[typeName] = list;
                }

                if (!list.Exists(e => e.FullName == fullName))
                {
                    list.Add(new StateMachineEntry(typeName, fullName, display, source));
                    added++;
                }
            }
        }

        return added;
    }

    /// <summary>Every state machine with this bare type name (as <c>Type.Name</c> gives it), across the assemblies read.</summary>
    public IReadOnlyList<StateMachineEntry> Find(string typeName)
    {
        lock (_gate)
        {
            return _byTypeName.TryGetValue(typeName, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Every state machine whose method reads <paramref name="displayName"/> (for example <c>Payments.Gateway.ChargeAsync</c>).</summary>
    public IReadOnlyList<StateMachineEntry> FindByDisplayName(string displayName)
    {
        lock (_gate)
        {
            return _byTypeName.Values.SelectMany(list => list).Where(e => e.DisplayName == displayName).ToList();
        }
    }

    /// <summary>The state machines of one assembly file; empty when it is not a readable .NET assembly.</summary>
    public static IReadOnlyList<StateMachineEntry> Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return [];
            }

            return Read(pe.GetMetadataReader(), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return [];
        }
    }

    private static List<StateMachineEntry> Read(MetadataReader reader, string path)
    {
        var entries = new List<StateMachineEntry>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (!type.IsNested || !reader.StringComparer.StartsWith(type.Name, "<") || !ImplementsAsyncStateMachine(reader, type))
            {
                continue;
            }

            var typeName = reader.GetString(type.Name);
            var fullName = FullName(reader, type);
            if (AsyncMethodNaming.DisplayName(fullName) is { } display)
            {
                entries.Add(new StateMachineEntry(typeName, fullName, display, path));
            }
        }

        return entries;
    }

    private static bool ImplementsAsyncStateMachine(MetadataReader reader, TypeDefinition type)
    {
        foreach (var implementation in type.GetInterfaceImplementations())
        {
            var handle = reader.GetInterfaceImplementation(implementation).Interface;
            var (ns, name) = handle.Kind switch
            {
                HandleKind.TypeReference => (reader.GetTypeReference((TypeReferenceHandle)handle).Namespace, reader.GetTypeReference((TypeReferenceHandle)handle).Name),
                HandleKind.TypeDefinition => (reader.GetTypeDefinition((TypeDefinitionHandle)handle).Namespace, reader.GetTypeDefinition((TypeDefinitionHandle)handle).Name),
                _ => (default, default),
            };
            if (!name.IsNil && reader.StringComparer.Equals(name, "IAsyncStateMachine") && reader.StringComparer.Equals(ns, "System.Runtime.CompilerServices"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reflection's form: <c>Namespace.Outer+Inner+&lt;M&gt;d__0</c>.</summary>
    private static string FullName(MetadataReader reader, TypeDefinition type)
    {
        var names = new List<string> { reader.GetString(type.Name) };
        var current = type;
        while (current.IsNested)
        {
            current = reader.GetTypeDefinition(current.GetDeclaringType());
            names.Add(reader.GetString(current.Name));
        }

        names.Reverse();
        var ns = reader.GetString(current.Namespace);
        return (ns.Length == 0 ? "" : ns + ".") + string.Join('+', names);
    }
}
