using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// The metadata of the target's modules, read from the target's memory once per walk and per module, for names the
/// DAC must not be asked for: on .NET 10 with runtime async, the DAC crashes the reading process (a segmentation
/// fault) when asked the name of a method's async variant (<c>ClrMethod.Name</c>, <c>ClrType.Methods</c>), which is
/// what a thread blocked inside a runtime-async method has on its stack. Metadata names the method by its token.
/// </summary>
internal sealed class ModuleMetadata(ClrRuntime runtime) : IDisposable
{
    private const int MaxMetadataBytes = 64 * 1024 * 1024;

    private readonly Dictionary<ulong, MetadataReaderProvider?> _byModule = [];

    /// <summary>The method's name from its module's metadata; the DAC's only when the module has none (dynamic modules).</summary>
    public string MethodName(ClrMethod method)
    {
        if (method.Type?.Module is { } module && Reader(module) is { } reader && method.MetadataToken != 0)
        {
            try
            {
                var handle = MetadataTokens.EntityHandle(method.MetadataToken);
                if (handle.Kind == HandleKind.MethodDefinition && !handle.IsNil && MetadataTokens.GetRowNumber(handle) <= reader.GetTableRowCount(TableIndex.MethodDef))
                {
                    return reader.GetString(reader.GetMethodDefinition((MethodDefinitionHandle)handle).Name);
                }
            }
            catch (Exception e) when (e is BadImageFormatException or ArgumentException or InvalidCastException)
            {
                // A token this metadata does not have: fall back to the DAC.
            }
        }

        return method.Name ?? "?";
    }

    /// <summary>The token of <paramref name="type"/>'s method called <paramref name="name"/> (a state machine's MoveNext), or 0.</summary>
    public int MethodToken(ClrType type, string name)
    {
        if (type.Module is not { } module || Reader(module) is not { } reader || type.MetadataToken == 0)
        {
            return 0;
        }

        try
        {
            var handle = MetadataTokens.EntityHandle((int)type.MetadataToken);
            if (handle.Kind != HandleKind.TypeDefinition || handle.IsNil)
            {
                return 0;
            }

            foreach (var method in reader.GetTypeDefinition((TypeDefinitionHandle)handle).GetMethods())
            {
                if (reader.StringComparer.Equals(reader.GetMethodDefinition(method).Name, name))
                {
                    return MetadataTokens.GetToken(method);
                }
            }
        }
        catch (Exception e) when (e is BadImageFormatException or ArgumentException or InvalidCastException)
        {
            // A token this metadata does not have: no location, the name stays.
        }

        return 0;
    }

    /// <summary>Unpins the metadata images once the walk is done.</summary>
    public void Dispose()
    {
        foreach (var provider in _byModule.Values)
        {
            provider?.Dispose();
        }

        _byModule.Clear();
    }

    /// <summary>The module's metadata, or null when it cannot be read.</summary>
    public MetadataReader? Reader(ClrModule module)
    {
        if (!_byModule.TryGetValue(module.Address, out var provider))
        {
            provider = Read(module);
            _byModule[module.Address] = provider;
        }

        return provider?.GetMetadataReader();
    }

    private MetadataReaderProvider? Read(ClrModule module)
    {
        try
        {
            if (module.IsDynamic || module.MetadataAddress == 0 || module.MetadataLength is <= 0 or > MaxMetadataBytes)
            {
                return null;
            }

            var image = new byte[module.MetadataLength];
            return runtime.DataTarget.DataReader.Read(module.MetadataAddress, image) == image.Length
                ? MetadataReaderProvider.FromMetadataImage(ImmutableArray.Create(image))
                : null;
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }
}
