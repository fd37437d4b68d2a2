using System.Reflection;
using System.Runtime.ExceptionServices;
using LeakWatch.Core;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// The one place leakwatch uses non-public API of Microsoft.Diagnostics.NETCore.Client, all of it for
/// <c>--diagnostic-port</c>. The package version is pinned (Directory.Packages.props); its newest release, 0.2.750501,
/// still keeps every member below internal. <see cref="Members"/> says for each why the public API does not suffice;
/// DiagnosticsClientInternalsTests in LeakWatch.Agent.Tests fails when an upgrade drops one, and the agent then says
/// so in one line instead of failing obscurely.
/// </summary>
internal static class DiagnosticsClientInternals
{
    private const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private const string Namespace = "Microsoft.Diagnostics.NETCore.Client.";

    private static readonly Assembly Package = typeof(DiagnosticsClient).Assembly;
    private static readonly Type? ServerType = Package.GetType(Namespace + "ReversedDiagnosticsServer");
    private static readonly Type? EndpointType = Package.GetType(Namespace + "IpcEndpoint");
    private static readonly Type? EndpointInfoType = Package.GetType(Namespace + "IpcEndpointInfo");
    private static readonly Type? ProcessInfoType = Package.GetType(Namespace + "ProcessInfo");

    private static readonly ConstructorInfo? ServerConstructor = ServerType?.GetConstructor(Any, [typeof(string)]);
    private static readonly MethodInfo? ServerStart = ServerType?.GetMethod("Start", Any, Type.EmptyTypes);
    private static readonly MethodInfo? ServerAcceptAsync = ServerType?.GetMethod("AcceptAsync", Any, [typeof(CancellationToken)]);
    private static readonly MethodInfo? ServerRemoveConnection = ServerType?.GetMethod("RemoveConnection", Any, [typeof(Guid)]);
    private static readonly MethodInfo? ServerDisposeAsync = ServerType?.GetMethod("DisposeAsync", Any, Type.EmptyTypes);
    private static readonly PropertyInfo? InfoEndpoint = EndpointInfoType?.GetProperty("Endpoint", Any);
    private static readonly PropertyInfo? InfoProcessId = EndpointInfoType?.GetProperty("ProcessId", Any);
    private static readonly PropertyInfo? InfoCookie = EndpointInfoType?.GetProperty("RuntimeInstanceCookie", Any);
    private static readonly MethodInfo? EndpointWaitForConnectionAsync = EndpointType?.GetMethod("WaitForConnectionAsync", Any, [typeof(CancellationToken)]);
    private static readonly ConstructorInfo? ClientFromEndpoint = EndpointType is null ? null : typeof(DiagnosticsClient).GetConstructor(Any, [EndpointType]);
    private static readonly MethodInfo? ClientGetProcessInfo = typeof(DiagnosticsClient).GetMethod("GetProcessInfo", Any, Type.EmptyTypes);
    private static readonly PropertyInfo? ProcessInfoPid = ProcessInfoType?.GetProperty("ProcessId", Any);
    private static readonly PropertyInfo? ProcessInfoVersion = ProcessInfoType?.GetProperty("ClrProductVersionString", Any);
    private static readonly PropertyInfo? ProcessInfoEntryAssembly = ProcessInfoType?.GetProperty("ManagedEntrypointAssemblyName", Any);
    private static readonly PropertyInfo? ProcessInfoCommandLine = ProcessInfoType?.GetProperty("CommandLine", Any);

    /// <summary>Every non-public member used, with why the public API does not do, and whether this build of the package has it.</summary>
    public static IReadOnlyList<InternalMember> Members { get; } =
    [
        new("ReversedDiagnosticsServer(string)", "the public DiagnosticsClientConnector.FromDiagnosticPort(\"PATH,listen\") accepts one runtime and holds the socket while it lives: no second app, no restart", ServerConstructor),
        new("ReversedDiagnosticsServer.Start()", "binds the listening socket; no public type does for several runtimes", ServerStart),
        new("ReversedDiagnosticsServer.AcceptAsync(CancellationToken)", "hands over each runtime that connects, once per runtime start", ServerAcceptAsync),
        new("ReversedDiagnosticsServer.RemoveConnection(Guid)", "forgets a runtime that has exited, closing the connection it left waiting", ServerRemoveConnection),
        new("ReversedDiagnosticsServer.DisposeAsync()", "closes the listening socket and every held connection", ServerDisposeAsync),
        new("IpcEndpointInfo.Endpoint", "the accepted runtime's endpoint: AcceptAsync's result type is internal", InfoEndpoint),
        new("IpcEndpointInfo.ProcessId", "the pid the runtime advertised, the only pid a sidecar in another pid namespace gets", InfoProcessId),
        new("IpcEndpointInfo.RuntimeInstanceCookie", "tells a restarted app from the old one when the pid is the same", InfoCookie),
        new("IpcEndpoint.WaitForConnectionAsync(CancellationToken)", "a runtime that stops reconnecting has exited; nothing public says so", EndpointWaitForConnectionAsync),
        new("DiagnosticsClient(IpcEndpoint)", "the public constructor takes a pid, which cannot reach a runtime that connected to us", ClientFromEndpoint),
        new("DiagnosticsClient.GetProcessInfo()", "the only source of runtime version, entry assembly and command line when /proc is not shared", ClientGetProcessInfo, Optional: true),
        new("ProcessInfo.ProcessId", "public property of the internal ProcessInfo type", ProcessInfoPid, Optional: true),
        new("ProcessInfo.ClrProductVersionString", "public property of the internal ProcessInfo type", ProcessInfoVersion, Optional: true),
        new("ProcessInfo.ManagedEntrypointAssemblyName", "public property of the internal ProcessInfo type", ProcessInfoEntryAssembly, Optional: true),
        new("ProcessInfo.CommandLine", "public property of the internal ProcessInfo type", ProcessInfoCommandLine, Optional: true),
    ];

    /// <summary>The package's assembly version, for messages.</summary>
    public static Version? PackageVersion => Package.GetName().Version;

    /// <summary>Fails with one line naming the first missing member when this build of the package lacks the listener's internals.</summary>
    public static void EnsureListenerSupported()
    {
        if (Members.FirstOrDefault(m => !m.Found && !m.Optional) is { } missing)
        {
            throw new LeakWatchException(
                ExitCode.InternalError,
                $"--diagnostic-port needs the internal {missing.Name} of Microsoft.Diagnostics.NETCore.Client {PackageVersion}, " +
                "which this build does not have: build leakwatch with the pinned package version (Directory.Packages.props).");
        }
    }

    /// <summary>A reversed server listening at <paramref name="path"/>; socket errors come out as themselves, not wrapped.</summary>
    public static ReversedServer StartServer(string path)
    {
        EnsureListenerSupported();
        var server = Unwrapped(() => ServerConstructor!.Invoke([path]))!;
        Unwrapped(() => ServerStart!.Invoke(server, null));
        return new ReversedServer(server);
    }

    /// <summary>The next runtime to connect: its endpoint, advertised pid and instance cookie.</summary>
    public static async Task<AcceptedRuntime> AcceptAsync(ReversedServer server, CancellationToken cancellation)
    {
        var task = (Task)Unwrapped(() => ServerAcceptAsync!.Invoke(server.Instance, [cancellation]))!;
        await task.ConfigureAwait(false);
        var info = task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task)!;
        if (InfoEndpoint!.GetValue(info) is not { } endpoint || InfoProcessId!.GetValue(info) is not int pid || InfoCookie!.GetValue(info) is not Guid cookie)
        {
            throw new LeakWatchException(ExitCode.InternalError, $"--diagnostic-port: Microsoft.Diagnostics.NETCore.Client {PackageVersion} accepted a runtime without endpoint, pid or cookie; build leakwatch with the pinned package version.");
        }

        return new AcceptedRuntime(endpoint, pid, cookie);
    }

    public static void RemoveConnection(ReversedServer server, Guid runtimeInstanceCookie) =>
        Unwrapped(() => ServerRemoveConnection!.Invoke(server.Instance, [runtimeInstanceCookie]));

    public static ValueTask DisposeAsync(ReversedServer server) => (ValueTask)Unwrapped(() => ServerDisposeAsync!.Invoke(server.Instance, null))!;

    /// <summary>A client of an accepted runtime: the runtime opens a fresh connection for each command.</summary>
    public static DiagnosticsClient CreateClient(AcceptedRuntime runtime) => (DiagnosticsClient)Unwrapped(() => ClientFromEndpoint!.Invoke([runtime.Endpoint]))!;

    /// <summary>Completes when the runtime has a connection waiting (it reconnects right after each command).</summary>
    public static Task WaitForConnectionAsync(AcceptedRuntime runtime, CancellationToken cancellation) =>
        (Task)Unwrapped(() => EndpointWaitForConnectionAsync!.Invoke(runtime.Endpoint, [cancellation]))!;

    /// <summary>The runtime's ProcessInfo answer, or null when it cannot be had: any failure means "unknown", never an error.</summary>
    public static IpcProcessInfo? TryGetProcessInfo(DiagnosticsClient client)
    {
        if (ClientGetProcessInfo is null || ProcessInfoVersion is null || ProcessInfoPid is null || ProcessInfoEntryAssembly is null || ProcessInfoCommandLine is null)
        {
            return null;
        }

        try
        {
            if (ClientGetProcessInfo.Invoke(client, null) is not { } info)
            {
                return null;
            }

            var pid = ProcessInfoPid.GetValue(info) is ulong id ? (int?)checked((int)id) : null;
            var entry = ProcessInfoEntryAssembly.GetValue(info) as string;
            return new IpcProcessInfo(
                RuntimeVersionProbe.ParseProductVersion(ProcessInfoVersion.GetValue(info) as string),
                pid,
                string.IsNullOrEmpty(entry) ? null : entry,
                ProcessInfoCommandLine.GetValue(info) as string ?? "");
        }
        catch (Exception e) when (e is TargetInvocationException or MemberAccessException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Runs a reflective call and rethrows what the member threw (a SocketException), not TargetInvocationException.</summary>
    private static object? Unwrapped(Func<object?> call)
    {
        try
        {
            return call();
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }
    }

    /// <summary>A non-public member: its name, why the public API does not do, and whether this build has it.</summary>
    /// <param name="Optional">Without it the agent still works, knowing less (ProcessInfo: name and version unknown).</param>
    public sealed record InternalMember(string Name, string WhyNotPublic, MemberInfo? Info, bool Optional = false)
    {
        public bool Found => Info is not null;
    }

    /// <summary>An internal ReversedDiagnosticsServer instance.</summary>
    public readonly record struct ReversedServer(object Instance);

    /// <summary>One runtime the server accepted: its internal IpcEndpoint, advertised pid and instance cookie.</summary>
    public readonly record struct AcceptedRuntime(object Endpoint, int ProcessId, Guid RuntimeInstanceCookie);
}
