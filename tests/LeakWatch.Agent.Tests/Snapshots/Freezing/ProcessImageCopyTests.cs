using System.Runtime.InteropServices;
using LeakWatch.Agent.Snapshots.Freezing;

namespace LeakWatch.Agent.Tests.Snapshots.Freezing;

/// <summary>
/// The capture's batched copy on this very process (process_vm_readv of oneself needs no ptrace): a range that cannot
/// be read in the middle of a batch comes back as zeros, and the ranges after it are still copied, in the same call
/// sequence rather than by copying the whole batch again.
/// </summary>
public sealed partial class ProcessImageCopyTests
{
    private const int Page = 4096;
    private const int ProtNone = 0;
    private const int ProtReadWrite = 3;

    public static TheoryData<string, int, int[]> Layouts => new()
    {
        // name, pages mapped, pages made unreadable
        { "all readable", 3, [] },
        { "unreadable in the middle", 3, [1] },
        { "unreadable first", 3, [0] },
        { "unreadable last", 3, [2] },
        { "every other one unreadable", 7, [1, 3, 5] },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public unsafe void Copies_every_readable_range_and_zeros_the_rest(string name, int pages, int[] unreadable)
    {
        _ = name;
        var memory = (byte*)NativeMemory.AlignedAlloc((nuint)(pages * Page), Page);
        try
        {
            for (var p = 0; p < pages; p++)
            {
                new Span<byte>(memory + (p * Page), Page).Fill((byte)(p + 1));
            }

            foreach (var p in unreadable)
            {
                Assert.Equal(0, MProtect((nint)(memory + (p * Page)), Page, ProtNone));
            }

            using var buffer = CopyBuffer.TryAllocate(pages * Page, touched: pages * Page)!;
            buffer.Span.Fill(0xEE);
            var ranges = Enumerable.Range(0, pages).Select(p => ((ulong)(memory + (p * Page)), Page));
            var calls = ProcessImage.CopyRanges(new LiveMemory(Environment.ProcessId), ranges, buffer);

            // One call for the batch, then for each bad range one read of it alone and one call for the rest.
            Assert.True(calls <= 1 + (2 * unreadable.Length), $"{calls} calls");

            for (var p = 0; p < pages; p++)
            {
                var expected = unreadable.Contains(p) ? (byte)0 : (byte)(p + 1);
                Assert.All(buffer.Span.Slice(p * Page, Page).ToArray(), b => Assert.Equal(expected, b));
            }
        }
        finally
        {
            foreach (var p in unreadable)
            {
                _ = MProtect((nint)(memory + (p * Page)), Page, ProtReadWrite);
            }

            NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public unsafe void A_copy_large_enough_for_two_copiers_is_complete_on_both_halves()
    {
        const int RangePages = 1024; // 4 MiB ranges, 48 MiB in all: over the size where a second thread copies half
        const int Ranges = 12;
        const int Unreadable = 8; // in the second copier's half
        var memory = (byte*)NativeMemory.AlignedAlloc((nuint)(Ranges * RangePages * Page), Page);
        try
        {
            for (var r = 0; r < Ranges; r++)
            {
                new Span<byte>(memory + ((long)r * RangePages * Page), RangePages * Page).Fill((byte)(r + 1));
            }

            Assert.Equal(0, MProtect((nint)(memory + ((long)Unreadable * RangePages * Page)), Page, ProtNone));
            using var buffer = CopyBuffer.TryAllocate(Ranges * RangePages * Page, touched: 0)!;
            var ranges = Enumerable.Range(0, Ranges).Select(r => ((ulong)(memory + ((long)r * RangePages * Page)), RangePages * Page));

            ProcessImage.CopyRanges(new LiveMemory(Environment.ProcessId), ranges, buffer);

            for (var r = 0; r < Ranges; r++)
            {
                var expected = r == Unreadable ? (byte)0 : (byte)(r + 1);
                Assert.True(buffer.Span.Slice(r * RangePages * Page, RangePages * Page).IndexOfAnyExcept(expected) < 0, $"range {r}");
            }
        }
        finally
        {
            _ = MProtect((nint)(memory + ((long)Unreadable * RangePages * Page)), Page, ProtReadWrite);
            NativeMemory.AlignedFree(memory);
        }
    }

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int MProtect(nint address, nuint length, int protection);
}
