using System.Globalization;

namespace LeakWatch.Agent.Snapshots.Freezing;

/// <summary>One line of /proc/PID/maps.</summary>
internal readonly record struct Mapping(ulong Start, ulong End, string Permissions, string Path)
{
    public bool Readable => Permissions.Length > 0 && Permissions[0] == 'r';

    public bool Writable => Permissions.Length > 1 && Permissions[1] == 'w';

    public bool Shared => Permissions.Length > 3 && Permissions[3] == 's';

    /// <summary>No file behind it (heap, stacks, the GC's regions): a page never touched reads as zeros.</summary>
    public bool Anonymous => Path.Length == 0 || Path is "[heap]" or "[stack]" || Path.StartsWith("[anon", StringComparison.Ordinal);

    /// <summary>
    /// What a capture must copy because it can change once the target runs again: every private writable mapping
    /// (GC heap, stacks, the runtime's data), and shared anonymous or memfd mappings (the runtime's double-mapped
    /// code and stubs). Read-only file mappings (code, metadata, ReadyToRun images) never change and are read live;
    /// shared mappings of real files (an app's memory-mapped data) are not needed by the walk. [vvar]/[vsyscall]
    /// cannot be read at all.
    /// </summary>
    public bool NeedsCopy =>
        Readable && Path is not "[vvar]" and not "[vsyscall]" and not "[vvar_vclock]"
        && ((Writable && !Shared) || (Shared && (Anonymous || Path.StartsWith("/memfd:", StringComparison.Ordinal) || Path.StartsWith("/dev/zero", StringComparison.Ordinal) || Path.StartsWith("/SYSV", StringComparison.Ordinal))));

    public static List<Mapping> Read(int pid)
    {
        var mappings = new List<Mapping>();
        foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/maps"))
        {
            if (Parse(line) is { } mapping)
            {
                mappings.Add(mapping);
            }
        }

        return mappings;
    }

    /// <summary>"7f12a000-7f12b000 rw-p 00000000 00:00 0   [stack]" → a mapping, or null for a line it cannot read.</summary>
    public static Mapping? Parse(string line)
    {
        var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 5 || parts[0].Split('-') is not [var start, var end]
            || !ulong.TryParse(start, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var from)
            || !ulong.TryParse(end, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var to) || to <= from)
        {
            return null;
        }

        return new Mapping(from, to, parts[1], parts.Length == 6 ? parts[5].Trim() : "");
    }
}
