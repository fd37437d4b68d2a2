using System.Runtime.InteropServices;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>The few Linux calls the freezer and the memory readers need (ptrace(2), waitpid(2), process_vm_readv(2)).</summary>
internal static unsafe partial class Native
{
    public const int PtraceDetach = 17;
    public const int PtraceGetRegSet = 0x4204;
    public const int PtraceSeize = 0x4206;
    public const int PtraceInterrupt = 0x4207;
    public const int NtPrStatus = 1;
    public const int PtraceEventStop = 128;

    public const int WNoHang = 1;
    public const int WAll = 0x40000000;

    public const int EPerm = 1;
    public const int ESrch = 3;
    public const int EIntr = 4;
    public const int EChild = 10;
    public const int EFault = 14;

    public const int SigTrap = 5;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint Ptrace(nint request, int tid, nint address, nint data);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int WaitPid(int tid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "process_vm_readv", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial nint ProcessVmReadv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    public const int PrioProcess = 0;

    /// <summary>The highest priority a nice value gives (needs CAP_SYS_NICE; refused harmlessly otherwise).</summary>
    public const int HighestNice = -20;

    [LibraryImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int GetPriority(int which, int who);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "usleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int USleep(uint microseconds);

    /// <summary>A sleep shorter than Thread.Sleep's millisecond.</summary>
    public static void SleepMicroseconds(uint microseconds) => _ = USleep(microseconds); // an interrupted sleep is only shorter

    public static bool Stopped(int status) => (status & 0xff) == 0x7f;

    public static int StopSignal(int status) => (status >> 8) & 0xff;

    public static int Event(int status) => (status >> 16) & 0xffff;
}
