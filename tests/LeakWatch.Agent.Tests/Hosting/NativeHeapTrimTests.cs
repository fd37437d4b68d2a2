using LeakWatch.Agent.Hosting;

namespace LeakWatch.Agent.Tests.Hosting;

public sealed class NativeHeapTrimTests
{
    [Fact]
    public void Trims_on_this_glibc_machine_and_stays_available()
    {
        // The timer never fires: the test calls Trim itself.
        using var trim = new NativeHeapTrim(Timeout.InfiniteTimeSpan, TimeProvider.System);

        trim.Trim();
        trim.Trim();

        Assert.True(trim.Available);
    }
}
