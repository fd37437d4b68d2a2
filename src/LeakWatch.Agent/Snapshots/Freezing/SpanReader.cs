using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>The typed reads of ClrMD's IDataReader, built on one span read, for the readers leakwatch gives ClrMD.</summary>
internal abstract class SpanReader
{
    public abstract int PointerSize { get; }

    public abstract int Read(ulong address, Span<byte> buffer);

    public bool Read<T>(ulong address, out T value)
        where T : unmanaged
    {
        Span<byte> bytes = stackalloc byte[Unsafe.SizeOf<T>()];
        if (Read(address, bytes) == bytes.Length)
        {
            value = MemoryMarshal.Read<T>(bytes);
            return true;
        }

        value = default;
        return false;
    }

    public T Read<T>(ulong address)
        where T : unmanaged => Read(address, out T value) ? value : default;

    public bool ReadPointer(ulong address, out ulong value)
    {
        if (PointerSize == 8)
        {
            return Read(address, out value);
        }

        var ok = Read(address, out uint small);
        value = small;
        return ok;
    }

    public ulong ReadPointer(ulong address) => ReadPointer(address, out var value) ? value : 0;
}
