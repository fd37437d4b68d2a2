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

    public void Dispose()
    {
        foreach (var provider in _pdbs.Values)
        {
            provider?.Dispose();
        }
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
