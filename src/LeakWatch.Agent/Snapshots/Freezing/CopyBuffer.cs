using System.Runtime.InteropServices;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>
/// Where the capture copies the frozen target: native memory, not a managed array, so the copy does not count against
/// the GC's heap limit (75% of a container's memory limit by default) and goes back to the system the moment the
/// walk is done, not at the next collection. The pages the copy is expected to fill are touched when it is allocated,
/// while the target still runs, so no page fault of the agent's lands in the pause.
/// </summary>
internal sealed unsafe class CopyBuffer : IDisposable
{
    private const int SystemPage = 4096;

    private byte* _memory;

    private CopyBuffer(byte* memory, int length)
    {
        _memory = memory;
        Length = length;
    }

    public int Length { get; }

    public byte* Pointer => _memory != null ? _memory : throw new ObjectDisposedException(nameof(CopyBuffer));

    public Span<byte> Span => new(Pointer, Length);

    /// <summary>
    /// A buffer of <paramref name="length"/> bytes whose first <paramref name="touched"/> are touched now (the room to
    /// grow beyond them costs no memory unless the copy needs it); null when the system will not give that much.
    /// </summary>
    public static CopyBuffer? TryAllocate(int length, int touched)
    {
        byte* memory;
        try
        {
            memory = (byte*)NativeMemory.AlignedAlloc((nuint)length, SystemPage);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }

        for (var i = 0; i < Math.Min(touched, length); i += SystemPage)
        {
            memory[i] = 0;
        }

        return new CopyBuffer(memory, length);
    }

    public void Dispose()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
