using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>
/// Reads a stopped thread's registers (PTRACE_GETREGSET, NT_PRSTATUS) and turns them into the Windows CONTEXT layout
/// the DAC's stack walker expects. x64 only: the freezer refuses other architectures before stopping anything.
/// </summary>
internal static class Registers
{
    /// <summary>sizeof(struct user_regs_struct) on x86_64.</summary>
    private const int X64Size = 27 * 8;

    public static bool Supported => RuntimeInformation.ProcessArchitecture == Architecture.X64;

    public static unsafe byte[] Read(uint tid)
    {
        var registers = new byte[X64Size];
        fixed (byte* data = registers)
        {
            var vector = new Native.IoVec { Base = data, Length = (nuint)registers.Length };
            if (Native.Ptrace(Native.PtraceGetRegSet, (int)tid, Native.NtPrStatus, (nint)(&vector)) != 0)
            {
                return []; // the thread died while stopped: no context, ClrMD reports it without frames
            }
        }

        return registers;
    }

    /// <summary>Fills <paramref name="context"/> (an AMD64 CONTEXT) from user_regs_struct; false if it cannot.</summary>
    public static bool WriteContext(ReadOnlySpan<byte> registers, uint contextFlags, Span<byte> context)
    {
        if (registers.Length < X64Size || context.Length < AMD64Context.Size)
        {
            return false;
        }

        // struct user_regs_struct: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss
        // fs_base gs_base ds es fs gs.
        var r = MemoryMarshal.Cast<byte, ulong>(registers[..X64Size]);
        context[..AMD64Context.Size].Clear();
        ref var c = ref MemoryMarshal.AsRef<AMD64Context>(context);
        c.ContextFlags = contextFlags & (AMD64Context.ContextControl | AMD64Context.ContextInteger | AMD64Context.ContextSegments);
        c.R15 = r[0];
        c.R14 = r[1];
        c.R13 = r[2];
        c.R12 = r[3];
        c.Rbp = r[4];
        c.Rbx = r[5];
        c.R11 = r[6];
        c.R10 = r[7];
        c.R9 = r[8];
        c.R8 = r[9];
        c.Rax = r[10];
        c.Rcx = r[11];
        c.Rdx = r[12];
        c.Rsi = r[13];
        c.Rdi = r[14];
        c.Rip = r[16];
        c.Cs = (ushort)r[17];
        c.EFlags = (int)r[18];
        c.Rsp = r[19];
        c.Ss = (ushort)r[20];
        c.Ds = (ushort)r[23];
        c.Es = (ushort)r[24];
        c.Fs = (ushort)r[25];
        c.Gs = (ushort)r[26];
        return true;
    }
}
