using LeakWatch.Agent.Snapshots;

namespace LeakWatch.Agent.Tests.Snapshots;

/// <summary>The cgroup limit as the kernel enforces it: the tightest on the way up, in each hierarchy layout.</summary>
public sealed class AgentMemoryProbeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("leakwatch-cgroup-").FullName;

    public static TheoryData<string, string[], long?> Layouts => new()
    {
        // /proc/self/cgroup, files under the cgroup root ("path=value"), the limit expected
        { "0::/kubepods/pod1/app", ["cgroup.controllers=", "kubepods/memory.max=max", "kubepods/pod1/memory.max=536870912", "kubepods/pod1/app/memory.max=268435456"], 268435456 },
        { "0::/kubepods/pod1/app", ["cgroup.controllers=", "kubepods/pod1/memory.max=134217728", "kubepods/pod1/app/memory.max=max"], 134217728 },
        { "0::/", ["cgroup.controllers=", "memory.max=268435456"], 268435456 },
        { "0::/", ["cgroup.controllers=", "memory.max=max"], null },
        { "4:memory:/docker/abc", ["memory/docker/abc/memory.limit_in_bytes=268435456"], 268435456 },
        // v1 without a cgroup namespace: the host's path is not under the container's mount; the mount is its cgroup
        { "4:memory:/docker/abc", ["memory/memory.limit_in_bytes=268435456"], 268435456 },
        { "4:cpu,memory:/", ["memory/memory.limit_in_bytes=9223372036854771712"], null },
        { "1:cpu:/\n2:pids:/", [], null },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Reads_the_tightest_limit_of_the_agents_cgroup(string selfCgroup, string[] files, long? expected)
    {
        File.WriteAllText(Path.Combine(_root, "self-cgroup"), selfCgroup + "\n");
        foreach (var entry in files)
        {
            var (path, value) = (entry[..entry.IndexOf('=')], entry[(entry.IndexOf('=') + 1)..]);
            var file = Path.Combine(_root, "fs", path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, value + "\n");
        }

        Directory.CreateDirectory(Path.Combine(_root, "fs"));
        Assert.Equal(expected, AgentMemoryProbe.CgroupLimit(Path.Combine(_root, "self-cgroup"), Path.Combine(_root, "fs")));
    }

    [Fact]
    public void Reads_this_process()
    {
        var memory = AgentMemoryProbe.Read();

        Assert.True(memory.Available > 0);
        Assert.True(memory.Resident > 0);
        Assert.True(memory.Limit is null or > 0);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
