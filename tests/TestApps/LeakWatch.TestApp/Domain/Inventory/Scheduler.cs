using System.Runtime.CompilerServices;

namespace Inventory;

/// <summary>A job that sleeps forever: <c>SleepForeverAsync ──await──▶ Task.Delay(Timeout.Infinite)</c>.</summary>
internal static class Scheduler
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task SleepForeverAsync() => await Task.Delay(Timeout.Infinite);
}
