using System.Runtime.InteropServices;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>Where the data reader gets the target's bytes: the live process, or an image captured while it was frozen.</summary>
internal interface ITargetMemory
{
    /// <summary>Copies what is readable at <paramref name="address"/>; returns how many bytes (0 when nothing). Never throws.</summary>
    int Read(ulong address, Span<byte> buffer);
}

/// <summary>
/// Reads the live target with process_vm_readv. Unlike ClrMD's reader it never throws: a target that exits mid-read
/// makes reads return 0 and sets <see cref="TargetExited"/>, which the snapshot turns into exit code 8, so a dying
/// target cannot take the agent (and the other targets it serves) down from inside the DAC.
/// </summary>
internal sealed class LiveMemory : ITargetMemory
{
    private const int SystemPage = 4096;
    private readonly int _pid;

    public LiveMemory(int pid) => _pid = pid;

    public int Pid => _pid;

    /// <summary>True once a read found the process gone (ESRCH).</summary>
    public bool TargetExited { get; private set; }

    public int Read(ulong address, Span<byte> buffer)
    {
        if (buffer.IsEmpty || TargetExited)
        {
            return 0;
        }

        var read = ReadOnce(address, buffer);
        if (read >= 0 || Marshal.GetLastPInvokeError() != Native.EFault)
        {
            return Math.Max(read, 0);
        }

        // process_vm_readv does not split one iovec: when the range runs into an unmapped page, read page by page
        // to return the readable prefix, as a debugger's memory read does.
        var done = 0;
        while (done < buffer.Length)
        {
            var at = address + (ulong)done;
            var inPage = (int)Math.Min((ulong)(buffer.Length - done), SystemPage - (at % SystemPage));
            var got = ReadOnce(at, buffer.Slice(done, inPage));
            if (got <= 0)
            {
                break;
            }

            done += got;
            if (got < inPage)
            {
                break;
            }
        }

        return done;
    }

    private unsafe int ReadOnce(ulong address, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            var local = new Native.IoVec { Base = data, Length = (nuint)buffer.Length };
            var remote = new Native.IoVec { Base = (void*)address, Length = (nuint)buffer.Length };
            var read = (int)Native.ProcessVmReadv(_pid, &local, 1, &remote, 1, 0);
            if (read < 0 && Marshal.GetLastPInvokeError() == Native.ESrch)
            {
                TargetExited = true;
            }

            return read;
        }
    }
}
