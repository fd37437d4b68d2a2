using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LeakWatch.Core;
using Microsoft.Win32.SafeHandles;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>
/// The bytes of a frozen process that can change once it runs again (<see cref="Mapping.NeedsCopy"/>), copied while it
/// is frozen so the walk can run over them after it is resumed. Only pages that are present (or swapped out) are copied,
/// found through /proc/PID/pagemap; an absent page of an anonymous mapping reads as zeros, as it would in the target.
/// Addresses outside the copy (read-only code and metadata, which never change) are read live.
/// </summary>
internal sealed class ProcessImage : ITargetMemory
{
    private const int SystemPage = 4096;
    private const int EntriesPerRead = 8192;
    private const int IoVecsPerCall = 1024; // IOV_MAX
    private const long ParallelCopyFrom = 32L << 20;

    private readonly ulong[] _starts;
    private readonly int[] _lengths;
    private readonly long[] _offsets;
    private readonly CopyBuffer _data;
    private readonly Mapping[] _anonymous;
    private readonly ITargetMemory _live;

    private ProcessImage(List<Run> runs, CopyBuffer data, Mapping[] anonymous, ITargetMemory live)
    {
        _starts = runs.Select(r => r.Start).ToArray();
        _lengths = runs.Select(r => r.Length).ToArray();
        _offsets = runs.Select(r => r.Offset).ToArray();
        _data = data;
        _anonymous = anonymous;
        _live = live;
    }

    /// <summary>Where the capture's time went, for LEAKWATCH_TRACE.</summary>
    public string Phases { get; private init; } = "";

    /// <summary>Bytes copied.</summary>
    public long Bytes => _lengths.Length == 0 ? 0 : _offsets[^1] + _lengths[^1];

    /// <summary>Compiles the capture's methods before the freeze (see <see cref="Freezer.Warm"/>).</summary>
    public static void Warm()
    {
        foreach (var method in new[] { nameof(Capture), nameof(MapsToCopy), nameof(PresentRuns), nameof(Copy), nameof(CopyRuns), nameof(Halves), nameof(Length), nameof(Close), nameof(ReadEntries) })
        {
            System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(typeof(ProcessImage).GetMethod(method, System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!.MethodHandle);
        }

        System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(typeof(SecondCopier).GetMethod(nameof(SecondCopier.Run))!.MethodHandle);
        var thread = new Thread(() => { }); // the first thread start binds what every later one needs
        thread.Start();
        thread.Join();
    }

    /// <summary>Bytes a capture of <paramref name="pid"/> would copy now (the target running: an estimate).</summary>
    public static long Measure(int pid) => Length(PresentRuns(pid, MapsToCopy(pid)));

    /// <summary>
    /// Copies the frozen target into <paramref name="buffer"/>; null when it needs more than the buffer holds
    /// (<paramref name="needed"/> says how much). Call only with every thread of the target stopped.
    /// </summary>
    public static ProcessImage? Capture(int pid, string name, CopyBuffer buffer, LiveMemory live, out long needed)
    {
        var t0 = Stopwatch.GetTimestamp();
        var maps = MapsToCopy(pid);
        var t1 = Stopwatch.GetTimestamp();
        var runs = PresentRuns(pid, maps);
        var t2 = Stopwatch.GetTimestamp();
        needed = Length(runs);
        if (needed > buffer.Length)
        {
            return null;
        }

        var calls = Copy(runs, buffer, live);
        if (live.TargetExited)
        {
            throw SnapshotService.ExitedDuring(pid, name);
        }

        return new ProcessImage(runs, buffer, maps.Where(m => m.Anonymous).ToArray(), live)
        {
            Phases = string.Create(
                CultureInfo.InvariantCulture,
                $"maps {Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds:0} ms ({maps.Count} to copy), pagemap {Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds:0} ms ({runs.Count} runs), copy {Stopwatch.GetElapsedTime(t2).TotalMilliseconds:0} ms ({calls} process_vm_readv)"),
        };
    }

    public int Read(ulong address, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var at = address + (ulong)done;
            var left = buffer.Length - done;
            var i = Array.BinarySearch(_starts, at);
            i = i >= 0 ? i : ~i - 1;
            if (i >= 0 && at < _starts[i] + (ulong)_lengths[i])
            {
                var inRun = (int)Math.Min((ulong)left, _starts[i] + (ulong)_lengths[i] - at);
                _data.Span.Slice((int)(_offsets[i] + (long)(at - _starts[i])), inRun).CopyTo(buffer[done..]);
                done += inRun;
                continue;
            }

            var untilNextRun = i + 1 < _starts.Length ? _starts[i + 1] - at : ulong.MaxValue;
            var gap = (int)Math.Min((ulong)left, untilNextRun);
            if (AnonymousEnd(at) is { } end)
            {
                var zeros = (int)Math.Min((ulong)gap, end - at);
                buffer.Slice(done, zeros).Clear();
                done += zeros;
                continue;
            }

            var got = _live.Read(at, buffer.Slice(done, gap));
            done += got;
            if (got < gap)
            {
                break;
            }
        }

        return done;
    }

    private ulong? AnonymousEnd(ulong address)
    {
        int low = 0, high = _anonymous.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            if (address < _anonymous[mid].Start)
            {
                high = mid - 1;
            }
            else if (address >= _anonymous[mid].End)
            {
                low = mid + 1;
            }
            else
            {
                return _anonymous[mid].End;
            }
        }

        return null;
    }

    private static List<Mapping> MapsToCopy(int pid) => Mapping.Read(pid).Where(m => m.NeedsCopy).ToList();

    /// <summary>Runs of present or swapped pages (pagemap bits 63 and 62), with their offsets in the copy.</summary>
    private static List<Run> PresentRuns(int pid, List<Mapping> maps)
    {
        var runs = new List<Run>();
        long offset = 0;
        var entries = new byte[EntriesPerRead * 8];
        using var pagemap = File.OpenHandle($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/pagemap");
        foreach (var map in maps)
        {
            ulong runStart = 0;
            var runPages = 0;
            for (var page = map.Start; page < map.End;)
            {
                var count = (int)Math.Min(EntriesPerRead, (map.End - page) / SystemPage);
                var read = ReadEntries(pagemap, page, entries.AsSpan(0, count * 8)) / 8;
                for (var k = 0; k < count; k++)
                {
                    var present = k < read && (BitConverter.ToUInt64(entries, k * 8) & (3UL << 62)) != 0;
                    var address = page + ((ulong)k * SystemPage);
                    if (present && runPages > 0 && runStart + ((ulong)runPages * SystemPage) == address)
                    {
                        runPages++;
                    }
                    else if (present)
                    {
                        Close(runs, runStart, runPages, ref offset);
                        runStart = address;
                        runPages = 1;
                    }
                }

                page += (ulong)count * SystemPage;
            }

            Close(runs, runStart, runPages, ref offset);
        }

        return runs;
    }

    private static void Close(List<Run> runs, ulong start, int pages, ref long offset)
    {
        if (pages == 0)
        {
            return;
        }

        runs.Add(new Run(start, pages * SystemPage, offset));
        offset += pages * SystemPage;
    }

    private static int ReadEntries(SafeFileHandle pagemap, ulong page, Span<byte> into)
    {
        var done = 0;
        while (done < into.Length)
        {
            var got = RandomAccess.Read(pagemap, into[done..], (long)(page / SystemPage * 8) + done);
            if (got <= 0)
            {
                break;
            }

            done += got;
        }

        return done;
    }

    /// <summary>Copies <paramref name="ranges"/> one after the other into <paramref name="buffer"/> (for tests); returns the calls made.</summary>
    internal static int CopyRanges(LiveMemory live, IEnumerable<(ulong Start, int Length)> ranges, CopyBuffer buffer)
    {
        var runs = new List<Run>();
        long offset = 0;
        foreach (var (start, length) in ranges)
        {
            runs.Add(new Run(start, length, offset));
            offset += length;
        }

        return Copy(runs, buffer, live);
    }

    /// <summary>Bytes the runs fill: they lie one after the other in the copy.</summary>
    private static long Length(List<Run> runs) => runs.Count == 0 ? 0 : runs[^1].Offset + runs[^1].Length;

    /// <summary>
    /// Copies every run. With the target frozen its CPUs are idle, so on a machine with more than one a second thread
    /// copies half of the bytes: the pause is the copy, and two readers halve it.
    /// </summary>
    private static int Copy(List<Run> runs, CopyBuffer buffer, LiveMemory live)
    {
        var total = Length(runs);
        if (Environment.ProcessorCount < 2 || total < ParallelCopyFrom)
        {
            return CopyRuns(runs, buffer, live);
        }

        var (first, second) = Halves(runs, total / 2 / SystemPage * SystemPage);
        var other = new SecondCopier(second, buffer, live);
        var thread = new Thread(other.Run) { IsBackground = true, Name = "leakwatch-copy" };
        thread.Start();
        var calls = CopyRuns(first, buffer, live);
        thread.Join();
        return calls + other.Calls;
    }

    /// <summary>The runs split where <paramref name="cut"/> bytes have been copied (a run crossing it is cut in two).</summary>
    private static (List<Run> First, List<Run> Second) Halves(List<Run> runs, long cut)
    {
        var first = new List<Run>(runs.Count);
        var second = new List<Run>(runs.Count);
        foreach (var run in runs)
        {
            if (run.Offset + run.Length <= cut)
            {
                first.Add(run);
            }
            else if (run.Offset >= cut)
            {
                second.Add(run);
            }
            else
            {
                var head = (int)(cut - run.Offset);
                first.Add(run with { Length = head });
                second.Add(new Run(run.Start + (ulong)head, run.Length - head, cut));
            }
        }

        return (first, second);
    }

    private sealed class SecondCopier(List<Run> runs, CopyBuffer buffer, LiveMemory live)
    {
        public int Calls { get; private set; }

        public void Run() => Calls = CopyRuns(runs, buffer, live);
    }

    /// <summary>
    /// Many runs per process_vm_readv (up to IOV_MAX). The kernel stops a call at the first range it cannot read: the
    /// runs before it are complete, that one is read alone (its readable prefix, zeros after), and the call goes on
    /// from the next run, so one bad range costs one extra read, not a second copy of the whole batch.
    /// </summary>
    private static unsafe int CopyRuns(List<Run> runs, CopyBuffer buffer, LiveMemory live)
    {
        var calls = 0;
        var local = new Native.IoVec[IoVecsPerCall];
        var remote = new Native.IoVec[IoVecsPerCall];
        var data = buffer.Pointer;
        fixed (Native.IoVec* localVecs = local, remoteVecs = remote)
        {
            for (var first = 0; first < runs.Count;)
            {
                var count = Math.Min(IoVecsPerCall, runs.Count - first);
                for (var k = 0; k < count; k++)
                {
                    var run = runs[first + k];
                    localVecs[k] = new Native.IoVec { Base = data + run.Offset, Length = (nuint)run.Length };
                    remoteVecs[k] = new Native.IoVec { Base = (void*)run.Start, Length = (nuint)run.Length };
                }

                calls++;
                var read = (long)Native.ProcessVmReadv(live.Pid, localVecs, (nuint)count, remoteVecs, (nuint)count, 0);
                if (read < 0 && live.TargetExited)
                {
                    return calls;
                }

                var complete = 0;
                for (var left = Math.Max(read, 0); complete < count && left >= runs[first + complete].Length; complete++)
                {
                    left -= runs[first + complete].Length;
                }

                first += complete;
                if (complete < count)
                {
                    var run = runs[first];
                    var span = buffer.Span.Slice((int)run.Offset, run.Length);
                    var got = live.Read(run.Start, span);
                    span[got..].Clear(); // cannot happen with the target frozen; zeros rather than stale bytes
                    calls++;
                    first++;
                }
            }
        }

        return calls;
    }

    private readonly record struct Run(ulong Start, int Length, long Offset);
}
