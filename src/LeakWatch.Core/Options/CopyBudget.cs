using System.Globalization;

namespace LeakWatch.Core.Options;

/// <summary>
/// <c>--copy-budget</c>: how much target memory a snapshot may copy to walk it with the target running. A fixed size
/// (0 turns the copy off), or <c>auto</c>: what the agent's own memory allows at the time of the snapshot
/// (<see cref="Resolve"/>), so one default fits a 256Mi sidecar and a host with gigabytes free.
/// </summary>
public readonly record struct CopyBudget
{
    /// <summary>The most an auto budget copies, whatever is free: a snapshot is not worth gigabytes of the host.</summary>
    public const long AutoCeiling = 1L << 30;

    /// <summary>Kept for the walk itself (ClrMD's caches, the report) on top of the copy: 47 MiB measured on 1 000 threads, 10 000 chains.</summary>
    public const long WalkReserve = 64L << 20;

    /// <summary>The share of the host's available memory an auto budget may take.</summary>
    public const int HostShareDivisor = 4;

    private CopyBudget(long? bytes) => Bytes = bytes;

    public static CopyBudget Auto { get; } = new(null);

    /// <summary>The fixed size; null for <see cref="Auto"/>.</summary>
    public long? Bytes { get; }

    public bool IsAuto => Bytes is null;

    public static CopyBudget Fixed(long bytes) => bytes >= 0 ? new(bytes) : throw new ArgumentOutOfRangeException(nameof(bytes));

    /// <summary>"auto", "0" or a size such as "128MiB" (<see cref="SizeParser"/>).</summary>
    public static bool TryParse(string? text, out CopyBudget budget)
    {
        if (string.Equals(text?.Trim(), "auto", StringComparison.OrdinalIgnoreCase))
        {
            budget = Auto;
            return true;
        }

        var parsed = SizeParser.TryParse(text, out var bytes);
        budget = parsed ? new(bytes) : Auto;
        return parsed;
    }

    /// <summary>
    /// The bytes this budget allows now, and how that was decided (for the report's route note). Auto takes the
    /// smallest of: <see cref="AutoCeiling"/>; a quarter of the host's available memory; and, under a memory limit
    /// (a container's), the limit less what the agent holds and <see cref="WalkReserve"/>.
    /// </summary>
    public (long Bytes, string Reason) Resolve(AgentMemory memory)
    {
        if (Bytes is { } fixedBytes)
        {
            return (fixedBytes, "--copy-budget");
        }

        var allowed = AutoCeiling;
        var reason = $"auto: the {Mib(AutoCeiling)} ceiling";
        if (memory.Available / HostShareDivisor < allowed)
        {
            allowed = memory.Available / HostShareDivisor;
            reason = $"auto: a quarter of the host's {Mib(memory.Available)} available";
        }

        if (memory.Limit is { } limit && limit - memory.Resident - WalkReserve < allowed)
        {
            allowed = limit - memory.Resident - WalkReserve;
            reason = $"auto: the agent's {Mib(limit)} memory limit less {Mib(memory.Resident)} in use and {Mib(WalkReserve)} for the walk";
        }

        return (Math.Max(allowed, 0), reason);
    }

    public override string ToString() => Bytes is { } bytes ? SizeParser.Format(bytes) : "auto";

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MiB");
}

/// <summary>The agent's memory when a snapshot starts: its limit (a container's; null when none), the host's available memory, its own resident set.</summary>
public readonly record struct AgentMemory(long? Limit, long Available, long Resident);
