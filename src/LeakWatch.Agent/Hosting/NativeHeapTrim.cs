using System.Runtime.InteropServices;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Gives the agent's free native heap back to the OS every few seconds. glibc keeps what the JIT and the runtime
/// freed (2.7 MiB of the agent's 3.9 MiB <c>[heap]</c> while streaming, docs/benchmarks.md "Counters") unless asked:
/// <c>malloc_trim(0)</c> returns the free pages, and on a small heap takes microseconds. Where there is no glibc
/// (musl, another OS) the call is missing and this does nothing from the first attempt on.
/// </summary>
public sealed partial class NativeHeapTrim
{
    /// <summary>How often the host trims (on the first of its interval ticks at least this far apart).</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The agent's start-up, when the host collects and trims every tick instead: the JIT compiles most of the agent's
    /// code then, and its working memory (2.5 MiB) is otherwise given back only seconds later, after the async catalog
    /// was read on top of it (docs/benchmarks.md, "Counters").
    /// </summary>
    public static readonly TimeSpan StartUpSettling = TimeSpan.FromSeconds(15);

    private volatile bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>False once the C library turned out to have no <c>malloc_trim</c>.</summary>
    public bool Available => !_unavailable;

    /// <summary>One trim; the host calls it every <see cref="DefaultPeriod"/>.</summary>
    public void Trim()
    {
        if (_unavailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int MallocTrim(nuint pad);
}
