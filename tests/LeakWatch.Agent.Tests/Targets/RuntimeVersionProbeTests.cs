using LeakWatch.Agent.Targets;

namespace LeakWatch.Agent.Tests.Targets;

/// <summary>The target's runtime version from the path of the CoreLib it mapped, and from the runtime's own string.</summary>
public class RuntimeVersionProbeTests
{
    [Theory]
    [InlineData("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll", "10.0.12")]
    [InlineData("/usr/lib/dotnet/shared/Microsoft.NETCore.App/8.0.22/System.Private.CoreLib.dll", "8.0.22")]
    [InlineData("/root/.dotnet/shared/Microsoft.NETCore.App/10.0.0-rc.1.25451.107/System.Private.CoreLib.dll", "10.0.0")]
    [InlineData("/proc/1/root/usr/share/dotnet/shared/Microsoft.NETCore.App/9.0.3/System.Private.CoreLib.dll", "9.0.3")]
    [InlineData("/app/System.Private.CoreLib.dll", null)] // self-contained: the app's own copy
    [InlineData("/opt/orders/1.2.3/System.Private.CoreLib.dll", null)] // a version-named directory outside a shared framework
    [InlineData("/usr/share/dotnet/shared/Microsoft.NETCore.App/current/System.Private.CoreLib.dll", null)]
    [InlineData("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0/System.Private.CoreLib.dll", null)] // no patch number
    [InlineData("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Runtime.dll", null)]
    [InlineData("System.Private.CoreLib.dll", null)]
    [InlineData("", null)]
    public void The_shared_framework_directory_gives_the_version(string path, string? expected)
    {
        Assert.Equal(expected is null ? null : Version.Parse(expected), RuntimeVersionProbe.FromSharedFrameworkPath(path));
    }

    [Theory]
    [InlineData("10.0.12+95017c711e", "10.0.12")]
    [InlineData("8.0.22-servicing.25", "8.0.22")]
    [InlineData("10.0.12", "10.0.12")]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("unknown", null)]
    public void The_product_version_string_gives_the_version(string? productVersion, string? expected)
    {
        Assert.Equal(expected is null ? null : Version.Parse(expected), RuntimeVersionProbe.ParseProductVersion(productVersion));
    }

    [Fact]
    public void A_process_on_the_shared_framework_is_read_from_its_path()
    {
        Assert.Equal(new Version(Environment.Version.Major, Environment.Version.Minor, Environment.Version.Build), RuntimeVersionProbe.FromMappedCoreLib(Environment.ProcessId));
    }
}
