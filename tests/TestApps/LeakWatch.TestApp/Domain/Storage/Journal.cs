using System.Runtime.CompilerServices;
using System.Text;

namespace Storage;

/// <summary>
/// A write-ahead journal that opens a new segment file per batch and forgets to close the old ones: every
/// <see cref="OpenSegment"/> leaves one open <see cref="FileStream"/> (one file descriptor) in <see cref="OpenSegments"/>.
/// Files live under <c>$TMPDIR/leakwatch-testapp-&lt;pid&gt;/</c>; <see cref="CloseAndDeleteAll"/> removes them at exit.
/// </summary>
internal static class Journal
{
    private static readonly List<FileStream> OpenSegments = [];

    public static string SegmentDirectory { get; } =
        Path.Combine(Path.GetTempPath(), $"leakwatch-testapp-{Environment.ProcessId}");

    public static int OpenCount
    {
        get
        {
            lock (OpenSegments)
            {
                return OpenSegments.Count;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OpenSegment(int sequence)
    {
        Directory.CreateDirectory(SegmentDirectory);
        var path = Path.Combine(SegmentDirectory, $"segment-{sequence:D6}.log");
        var segment = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
        lock (OpenSegments)
        {
            OpenSegments.Add(segment); // never closed while the app runs
        }

        segment.Write(Encoding.ASCII.GetBytes($"journal segment {sequence}\n"));
        segment.Flush();
    }

    /// <summary>Clean-up at exit: not part of the leak, just not leaving files behind.</summary>
    public static void CloseAndDeleteAll()
    {
        lock (OpenSegments)
        {
            foreach (var segment in OpenSegments)
            {
                segment.Dispose();
            }

            OpenSegments.Clear();
        }

        if (Directory.Exists(SegmentDirectory))
        {
            Directory.Delete(SegmentDirectory, recursive: true);
        }
    }
}
