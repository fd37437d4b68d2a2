using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using LeakWatch.Agent.Snapshots.Freezing;
using Microsoft.Diagnostics.Runtime.DataReaders.Implementation;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Reads a suspended process's memory in whole pages and keeps them for the rest of the pause. ClrMD's live reader
/// makes one process_vm_readv per read (a heap walk reads each object's header on its own); with the target frozen,
/// memory cannot change, so one read per page is enough. The cache is bounded (<see cref="MaxCachedBytes"/>, first in,
/// first out) so a 1 GB heap does not become a 1 GB analyser. Caching is on only while the target is frozen
/// (<see cref="Caching"/>); while it runs, reads pass through.
/// </summary>
internal sealed class PageCachingReader : SpanReader, IDataReader, IThreadReader
{
    /// <summary>16 KiB: measured on 1 000 threads and 10 000 chains, faster than 4 KiB (more reads) and 64 KiB (stack reads are scattered).</summary>
    public const int PageSize = 16 * 1024;

    /// <summary>8 MiB: the heap walk is sequential and the stack walks reuse a small set of runtime structures.</summary>
    public const long MaxCachedBytes = 8L * 1024 * 1024;

    private readonly IDataReader _inner;
    private readonly Dictionary<ulong, Page> _pages = [];
    private readonly Queue<ulong> _order = new();

    public PageCachingReader(IDataReader inner) => _inner = inner;

    /// <summary>Off while the target runs (reads pass through); on only while every thread is frozen.</summary>
    public bool Caching { get; set; }

    public string DisplayName => _inner.DisplayName;

    public bool IsThreadSafe => false;

    public OSPlatform TargetPlatform => _inner.TargetPlatform;

    public Architecture Architecture => _inner.Architecture;

    public int ProcessId => _inner.ProcessId;

    public override int PointerSize => _inner.PointerSize;

    public IEnumerable<ModuleInfo> EnumerateModules() => _inner.EnumerateModules();

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context) => _inner.GetThreadContext(threadID, contextFlags, context);

    public void FlushCachedData()
    {
        _pages.Clear();
        _order.Clear();
        _inner.FlushCachedData();
    }

    public IEnumerable<uint> EnumerateOSThreadIds() => _inner is IThreadReader threads ? threads.EnumerateOSThreadIds() : [];

    public ulong GetThreadTeb(uint osThreadId) => _inner is IThreadReader threads ? threads.GetThreadTeb(osThreadId) : 0;

    public override int Read(ulong address, Span<byte> buffer)
    {
        if (!Caching)
        {
            return _inner.Read(address, buffer);
        }

        var done = 0;
        while (done < buffer.Length)
        {
            var at = address + (ulong)done;
            var pageStart = at & ~(ulong)(PageSize - 1);
            var page = GetPage(pageStart);
            var offset = (int)(at - pageStart);
            if (offset >= page.Length)
            {
                // Past the readable part of the page: let the process answer exactly (it may be a partial region).
                return done + _inner.Read(at, buffer[done..]);
            }

            var count = Math.Min(page.Length - offset, buffer.Length - done);
            page.Data.AsSpan(offset, count).CopyTo(buffer[done..]);
            done += count;
        }

        return done;
    }

    private Page GetPage(ulong pageStart)
    {
        if (_pages.TryGetValue(pageStart, out var page))
        {
            return page;
        }

        // Full: the oldest page's buffer is reused, so the cache never holds more than its bound.
        byte[] data;
        if ((long)_pages.Count * PageSize >= MaxCachedBytes && _order.TryDequeue(out var oldest) && _pages.Remove(oldest, out var evicted))
        {
            data = evicted.Data;
        }
        else
        {
            data = new byte[PageSize];
        }

        var length = Math.Max(0, _inner.Read(pageStart, data));
        page = new Page(data, length);

        _pages[pageStart] = page;
        _order.Enqueue(pageStart);
        return page;
    }

    private readonly record struct Page(byte[] Data, int Length);
}
