using System.Reflection;
using System.Runtime.CompilerServices;
using LeakWatch.Agent.Counters.AsyncOperations;
using LeakWatch.Agent.Tests.Support;

namespace LeakWatch.Agent.Tests.Counters;

/// <summary>The namer reads this test process's own assemblies: a state machine declared here gets its method's name.</summary>
public class AsyncOperationNamerTests
{
    private static readonly string StateMachineName = typeof(AsyncOperationNamerTests)
        .GetMethod(nameof(DeclaredHereAsync), BindingFlags.NonPublic | BindingFlags.Static)!
        .GetCustomAttribute<AsyncStateMachineAttribute>()!.StateMachineType.Name;

    [Fact]
    public void Names_stay_raw_until_the_first_scan_is_due_then_resolve()
    {
        var time = new ManualTime();
        var namer = new AsyncOperationNamer(Environment.ProcessId, time);

        namer.RefreshIfNeeded();
        Assert.Equal(StateMachineName, namer.DisplayName(StateMachineName));
        Assert.Equal(0, namer.Catalog.AssemblyCount);
        Assert.False(namer.HasScanned);

        time.Advance(AsyncOperationNamer.FirstScanDelay);
        namer.RefreshIfNeeded();
        Assert.True(namer.HasScanned);
        Assert.EndsWith("AsyncOperationNamerTests.DeclaredHereAsync", namer.DisplayName(StateMachineName), StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_s_scan_reads_at_once_during_start_up()
    {
        var namer = new AsyncOperationNamer(Environment.ProcessId, new ManualTime());

        namer.RefreshIfNeeded(evenDuringStartUp: true);

        Assert.True(namer.Catalog.AssemblyCount > 0);
        Assert.EndsWith("AsyncOperationNamerTests.DeclaredHereAsync", namer.DisplayName(StateMachineName), StringComparison.Ordinal);
    }

    private static async Task DeclaredHereAsync() => await Task.Yield();
}
