namespace LeakWatch.Core.Stacks;

/// <summary>
/// The target's open file descriptors from /proc/PID/fd, grouped by kind and normalised target
/// (<see cref="DescriptorNormalizer"/>), largest group first.
/// </summary>
public sealed record DescriptorSection(int Total, IReadOnlyList<DescriptorGroup> Groups);

/// <summary>Descriptors of one <see cref="Kind"/> ("files", "sockets", "pipes", "anon inodes", "devices") and one target pattern.</summary>
public sealed record DescriptorGroup(int Count, string Kind, string Target)
{
    /// <summary>"files /tmp/leakwatch-testapp-*/segment-*.log".</summary>
    public string Name => $"{Kind} {Target}";
}
