using LeakWatch.Agent.Hosting;

namespace LeakWatch.Agent.Tests.Hosting;

public sealed class NativeHeapTrimTests
{
    [Fact]
    public void Trims_on_this_glibc_machine_and_stays_available()
    {
        var trim = new NativeHeapTrim();

        trim.Trim();
        trim.Trim();

        Assert.True(trim.Available);
    }
}
