using LeakWatch.Agent.Targets;

namespace LeakWatch.Cli.Tests.Targets;

/// <summary>The node agent names each process's container by the id in /proc/PID/cgroup, whatever the runtime's layout.</summary>
public class ContainerIdTests
{
    private const string Id = "3f2a9c0d1e4b5a6978c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d";

    [Theory]
    [InlineData("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-" + Id + ".scope\n")]
    [InlineData("0::/system.slice/docker-" + Id + ".scope\n")]
    [InlineData("12:memory:/kubepods/burstable/pod1234/" + Id + "\n11:cpu:/kubepods/burstable/pod1234/" + Id + "\n")]
    [InlineData("0::/kubepods.slice/crio-" + Id + ".scope")]
    public void The_64_hex_id_is_found_in_every_cgroup_layout(string cgroup) =>
        Assert.Equal(Id, ContainerTargets.ParseContainerId(cgroup));

    [Theory]
    [InlineData("0::/user.slice/user-1000.slice/session-2.scope\n")]
    [InlineData("0::/\n")]
    public void A_process_outside_a_container_has_none(string cgroup) =>
        Assert.Null(ContainerTargets.ParseContainerId(cgroup));
}
