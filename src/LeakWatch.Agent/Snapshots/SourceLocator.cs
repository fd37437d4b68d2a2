using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Finds source lines in portable PDBs: the .pdb beside the assembly (looked for through /proc/PID/root first, so a
/// target in its own mount namespace is read from its own files) or embedded in it. Without a PDB, null: the frame
/// keeps its method name. Modules are opened once per snapshot; used after the target is resumed. Without a pid
/// (a target whose /proc entry is not visible) module paths are not ours to read: no locations.
/// </summary>
internal sealed class SourceLocator : IDisposable
{
    private readonly int? _pid;
    private readonly Dictionary<string, MetadataReaderProvider?> _pdbs = new(StringComparer.Ordinal);

    public SourceLocator(int? pid) => _pid = pid;

    /// <summary>"AckWaiter.cs:42" for the statement at <paramref name="ilOffset"/> (or the method's first line for <see cref="CodeReference.Declaration"/>).</summary>
    public string? Locate(string modulePath, int methodToken, int ilOffset)
    {
        try
        {
            if (Pdb(modulePath)?.GetMetadataReader() is not { } reader)
            {
                return null;
            }

            var handle = MetadataTokens.MethodDefinitionHandle(methodToken & 0xFFFFFF).ToDebugInformationHandle();
            SequencePoint? best = null;
            foreach (var point in reader.GetMethodDebugInformation(handle).GetSequencePoints())
            {
                if (point.IsHidden)
                {
                    continue;
                }

                if (best is not null && (ilOffset < 0 || point.Offset > ilOffset))
                {
                    break;
                }

                best = point;
            }

            if (best is not { } found)
            {
                return null;
            }

            var file = reader.GetString(reader.GetDocument(found.Document).Name);
            return $"{file[(file.LastIndexOfAny(['/', '\\']) + 1)..]}:{found.StartLine}";
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException or IOException)
        {
            // A PDB that does not match or cannot be read gives method names only, as without PDBs.
            return null;
        }
    }

    /// <summary>
    /// "Gateway.cs:42" for the await an async method is suspended at: state N is the method's N-th await, whose IL
    /// offset the compiler records in MoveNext's async stepping information (the table debuggers step over awaits
    /// with); the statement there is the await. Null without a PDB, for a state that is not an await (-1, -2), or when
    /// the table is missing.
    /// </summary>
    public string? LocateAwait(string? modulePath, int moveNextToken, int state)
    {
        if (modulePath is null || moveNextToken == 0 || state < 0)
        {
            return null;
        }

        try
        {
            if (Pdb(modulePath)?.GetMetadataReader() is not { } reader)
            {
                return null;
            }

            var method = MetadataTokens.MethodDefinitionHandle(moveNextToken & 0xFFFFFF);
            foreach (var handle in reader.GetCustomDebugInformation(method))
            {
                var information = reader.GetCustomDebugInformation(handle);
                if (reader.GetGuid(information.Kind) == AsyncSteppingInformation
                    && AsyncYieldOffset(reader.GetBlobReader(information.Value), state) is { } offset)
                {
                    return Locate(modulePath, moveNextToken, offset);
                }
            }

            return null;
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException or IOException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var provider in _pdbs.Values)
        {
            provider?.Dispose();
        }
    }

    /// <summary>The Portable PDB kind "async method stepping information".</summary>
    private static readonly Guid AsyncSteppingInformation = new("54FD2AC5-E925-401A-9C2A-F94F171072F8");

    /// <summary>The blob: catch-handler offset (uint32), then per await: yield offset, resume offset (uint32), resume method (compressed).</summary>
    private static int? AsyncYieldOffset(BlobReader blob, int state)
    {
        blob.ReadUInt32();
        for (var index = 0; blob.RemainingBytes > 0; index++)
        {
            var yieldOffset = blob.ReadUInt32();
            blob.ReadUInt32();
            blob.ReadCompressedInteger();
            if (index == state)
            {
                return (int)yieldOffset;
            }
        }

        return null;
    }

    private MetadataReaderProvider? Pdb(string modulePath)
    {
        if (!_pdbs.TryGetValue(modulePath, out var provider))
        {
            provider = Open(modulePath);
            _pdbs[modulePath] = provider;
        }

        return provider;
    }

    private MetadataReaderProvider? Open(string modulePath)
    {
        if (_pid is not { } pid)
        {
            return null;
        }

        foreach (var assembly in new[] { $"{ProcFs.ProcessDirectory(pid)}/root{modulePath}", modulePath })
        {
            try
            {
                var pdb = Path.ChangeExtension(assembly, ".pdb");
                if (File.Exists(pdb))
                {
                    return MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb), MetadataStreamOptions.PrefetchMetadata);
                }

                if (File.Exists(assembly))
                {
                    return Embedded(assembly);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
            {
                // Not readable from here (permissions, a Windows PDB): try the next place.
            }
        }

        return null;
    }

    private static MetadataReaderProvider? Embedded(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        foreach (var entry in pe.ReadDebugDirectory())
        {
            if (entry.Type == DebugDirectoryEntryType.EmbeddedPortablePdb)
            {
                return pe.ReadEmbeddedPortablePdbDebugDirectoryData(entry);
            }
        }

        return null;
    }
}
