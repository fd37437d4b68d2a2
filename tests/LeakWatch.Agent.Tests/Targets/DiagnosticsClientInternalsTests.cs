using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using LeakWatch.Agent.Targets;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Tests.Targets;

/// <summary>
/// The non-public members of Microsoft.Diagnostics.NETCore.Client that --diagnostic-port needs: present in the pinned
/// package, and working against the test host's own runtime and a fake runtime that advertises itself.
/// </summary>
public class DiagnosticsClientInternalsTests
{
    public static TheoryData<string> MemberNames() => new(DiagnosticsClientInternals.Members.Select(m => m.Name));

    [Theory]
    [MemberData(nameof(MemberNames))]
    public void Every_non_public_member_the_agent_uses_is_in_the_package(string name)
    {
        var member = DiagnosticsClientInternals.Members.Single(m => m.Name == name);
        Assert.True(
            member.Found,
            $"Microsoft.Diagnostics.NETCore.Client {DiagnosticsClientInternals.PackageVersion} has no {name}, which --diagnostic-port needs because " +
            $"{member.WhyNotPublic}. Use a public replacement if the new version has one, or keep the pinned version (Directory.Packages.props).");
        Assert.False(string.IsNullOrWhiteSpace(member.WhyNotPublic));
    }

    [Fact]
    public void The_listener_is_supported_by_this_build()
    {
        DiagnosticsClientInternals.EnsureListenerSupported();
    }

    [Fact]
    public void ProcessInfo_of_the_test_host_gives_its_runtime_version_pid_and_command_line()
    {
        var info = DiagnosticsClientInternals.TryGetProcessInfo(new DiagnosticsClient(Environment.ProcessId));

        Assert.NotNull(info);
        Assert.Equal(Environment.ProcessId, info.Pid);
        Assert.Equal(new Version(Environment.Version.Major, Environment.Version.Minor, Environment.Version.Build), info.RuntimeVersion);
        Assert.False(string.IsNullOrEmpty(info.CommandLine));
    }

    [Fact]
    public async Task The_listener_accepts_a_runtime_that_advertises_itself_and_removes_its_socket_when_disposed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lw-{Guid.NewGuid():N}"[..20] + ".sock");
        var cookie = Guid.NewGuid();
        var listener = DiagnosticPortListener.Start(path);
        try
        {
            using var runtime = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await runtime.ConnectAsync(new UnixDomainSocketEndPoint(path));
            await runtime.SendAsync(Advertisement(cookie, processId: 4242));

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var connection = await listener.AcceptAsync(timeout.Token);

            Assert.Equal(4242, connection.ProcessId);
            Assert.Equal(cookie, connection.RuntimeInstanceCookie);
            Assert.NotNull(connection.Client);
            listener.Remove(connection);
        }
        finally
        {
            await listener.DisposeAsync();
        }

        Assert.False(File.Exists(path));
    }

    /// <summary>What a runtime sends first on a diagnostic port it connects to: "ADVR_V1\0", its instance cookie, its pid, two reserved bytes.</summary>
    private static byte[] Advertisement(Guid cookie, ulong processId)
    {
        var message = new byte[34];
        Encoding.ASCII.GetBytes("ADVR_V1\0").CopyTo(message, 0);
        cookie.ToByteArray().CopyTo(message, 8);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(24), processId);
        return message;
    }
}
