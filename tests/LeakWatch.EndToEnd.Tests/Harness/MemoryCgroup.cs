using System.Globalization;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>
/// A memory cgroup with a limit, as a container's (cgroup v1's memory hierarchy or v2's unified one, whichever the
/// machine mounts), and the wrapper that runs a command inside it. Removed on dispose, once its processes have exited.
/// </summary>
internal sealed class MemoryCgroup : IDisposable
{
    private MemoryCgroup(string path) => Path = path;

    public string Path { get; }

    /// <summary>Put before a command: <c>sh -c 'echo $$ &gt; cgroup.procs &amp;&amp; exec "$@"' sh COMMAND...</c>.</summary>
    public string[] Wrapper => ["sh", "-c", $"echo $$ > {Path}/cgroup.procs && exec \"$@\"", "sh"];

    public static MemoryCgroup Create(long limitBytes)
    {
        var name = $"leakwatch-test-{Guid.NewGuid():N}";
        var limit = limitBytes.ToString(CultureInfo.InvariantCulture);
        if (Directory.Exists("/sys/fs/cgroup/memory"))
        {
            var v1 = Directory.CreateDirectory($"/sys/fs/cgroup/memory/{name}").FullName;
            File.WriteAllText($"{v1}/memory.limit_in_bytes", limit);
            return new MemoryCgroup(v1);
        }

        // v2: the memory controller must be enabled for the root's children.
        File.WriteAllText("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
        var v2 = Directory.CreateDirectory($"/sys/fs/cgroup/{name}").FullName;
        File.WriteAllText($"{v2}/memory.max", limit);
        return new MemoryCgroup(v2);
    }

    public void Dispose()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                Directory.Delete(Path); // rmdir: only an empty cgroup (its processes gone) can be removed
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
