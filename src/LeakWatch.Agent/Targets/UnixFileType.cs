using System.Runtime.InteropServices;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// Whether a path is a Unix socket. .NET exposes no file type beyond file/directory, and connecting to a regular
/// file fails with ECONNREFUSED, exactly like a stale socket; so the type is read with statx, whose buffer layout
/// is the same on every architecture (stx_mode at offset 28).
/// </summary>
internal static partial class UnixFileType
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int SocketType = 0xC000;

    /// <summary>True for a socket, false for anything else that exists; null when the type cannot be read.</summary>
    public static bool? IsSocket(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return null;
        }

        return (BitConverter.ToUInt16(buffer, ModeOffset) & FileTypeMask) == SocketType;
    }

    /// <summary>True for a regular file (after symlinks), false for a fifo, device, socket or directory; null when it cannot be read.</summary>
    public static bool? IsRegularFile(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0)
        {
            return null;
        }

        return (BitConverter.ToUInt16(buffer, ModeOffset) & FileTypeMask) == RegularType;
    }

    private const int RegularType = 0x8000;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte[] buffer);
}
