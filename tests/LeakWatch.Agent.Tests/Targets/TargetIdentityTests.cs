using LeakWatch.Agent.Export;
using LeakWatch.Agent.Hosting;
using LeakWatch.Agent.Snapshots;
using LeakWatch.Agent.Targets;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Tests.Targets;

/// <summary>
/// Identity across pid namespaces: sidecar apps that all report pid 1 are told apart by their runtime instance, keyed
/// apart in the agent, and never reached by that pid (ptrace, /proc) here.
/// </summary>
public class TargetIdentityTests
{
    private static readonly Guid First = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Second = Guid.Parse("22222222-2222-2222-2222-222222222222");

    [Fact]
    public void Two_sidecar_apps_that_are_both_pid_1_have_their_own_ids_and_runtime_instances()
    {
        var a = Sidecar(First);
        var b = Sidecar(Second);

        Assert.NotEqual(a.Id, b.Id);
        Assert.True(a.Id < 0 && b.Id < 0, "an id of the agent's own is never a pid");
        Assert.Equal("11111111111111111111111111111111", a.RuntimeInstance);
        Assert.False(a.PidVisible);
    }

    [Fact]
    public void A_process_found_by_pid_keeps_its_pid_as_id_and_no_runtime_instance()
    {
        var target = new TargetProcess(4242, "Orders", "dotnet Orders.dll", null);

        Assert.Equal(4242, target.Id);
        Assert.Equal("", target.RuntimeInstance);
        Assert.True(target.PidVisible);
        Assert.Null(SnapshotRouting.ThreadStacksOnlyBecause(target, new SnapshotOptions()));
    }

    [Fact]
    public void A_pid_from_another_namespace_is_never_ptraced_by_that_pid()
    {
        var because = SnapshotRouting.ThreadStacksOnlyBecause(Sidecar(First), new SnapshotOptions { Route = SnapshotRoute.Attach });

        Assert.Equal("the app is in another pid namespace, which ptrace cannot reach (shareProcessNamespace: true allows a heap walk)", because);
    }

    [Fact]
    public void A_dump_goes_through_the_connection_so_it_walks_the_heap_of_a_sidecar_app_too()
    {
        Assert.Null(SnapshotRouting.ThreadStacksOnlyBecause(Sidecar(First), new SnapshotOptions { Route = SnapshotRoute.Dump }));
    }

    [Fact]
    public void Series_belong_to_one_runtime_instance_even_when_the_pids_are_equal()
    {
        var labels = new TargetLabels(new Dictionary<string, string> { ["service"] = "orders", ["runtime_instance"] = "mine" }, runtimeInstance: true);
        var values = labels.Values(Sidecar(First));

        Assert.Equal(["pid", "process_name", "runtime_instance", "service"], labels.Names());
        Assert.Equal(["1", "Orders", "11111111111111111111111111111111", "orders"], values);
        Assert.True(labels.BelongsTo(values, Sidecar(First)));
        Assert.False(labels.BelongsTo(values, Sidecar(Second)));
    }

    [Theory]
    [InlineData("1", null, null, "2 processes report pid 1 (apps in their own pid namespaces): add &runtime_instance= one of 11111111111111111111111111111111, 22222222222222222222222222222222")]
    [InlineData("1", "22222222222222222222222222222222", "22222222222222222222222222222222", null)]
    [InlineData("7", null, null, null)]
    [InlineData("x", null, null, null)]
    public void Post_snapshots_picks_a_target_by_pid_and_runtime_instance(string pid, string? instance, string? expected, string? ambiguity)
    {
        IReadOnlyList<TargetProcess> watched = [Sidecar(First), Sidecar(Second)];

        var (target, said) = TargetSelection.ByPid(watched, pid, instance);

        Assert.Equal(expected, target?.RuntimeInstance);
        Assert.Equal(ambiguity, said);
    }

    private static TargetProcess Sidecar(Guid cookie) =>
        new(1, "Orders", "dotnet Orders.dll", new Version(10, 0, 0))
        {
            Connection = new RuntimeConnection(new DiagnosticsClient(1), PidVisible: false, cookie),
        };
}
