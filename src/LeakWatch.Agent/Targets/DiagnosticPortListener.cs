using System.Net.Sockets;
using System.Reflection;
using LeakWatch.Core;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// <c>attach --diagnostic-port PATH</c>: a Unix socket that .NET runtimes started with
/// <c>DOTNET_DiagnosticPorts=PATH,nosuspend</c> connect to, any number of them, again after each restart.
/// <para>
/// Why reflection: Microsoft.Diagnostics.NETCore.Client keeps the server that accepts several runtimes
/// (<c>ReversedDiagnosticsServer</c>) and the <c>DiagnosticsClient(IpcEndpoint)</c> constructor internal. Its public
/// <c>DiagnosticsClientConnector.FromDiagnosticPort("PATH,listen")</c> accepts one runtime and holds the socket while
/// that client lives (a second call fails with EADDRINUSE), so it cannot serve several apps or a restarted one.
/// All the reflection is in this class; the package version is pinned centrally (Directory.Packages.props), and if
/// an upgrade removes these internals the agent says so in one line instead of failing obscurely.
/// </para>
/// </summary>
public sealed class DiagnosticPortListener : IAsyncDisposable
{
    private const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    /// <summary>sun_path is 108 bytes on Linux, one of them the terminating zero.</summary>
    private const int MaxSocketPathBytes = 107;

    private const string ServerTypeName = "Microsoft.Diagnostics.NETCore.Client.ReversedDiagnosticsServer";

    private readonly object _server;
    private readonly MethodInfo _acceptAsync;
    private readonly MethodInfo _removeConnection;
    private readonly MethodInfo _disposeAsync;
    private bool _disposed;

    private DiagnosticPortListener(string path, object server, MethodInfo acceptAsync, MethodInfo removeConnection, MethodInfo disposeAsync)
    {
        Path = path;
        _server = server;
        _acceptAsync = acceptAsync;
        _removeConnection = removeConnection;
        _disposeAsync = disposeAsync;
    }

    public string Path { get; }

    /// <summary>Creates the socket at <paramref name="path"/> and starts accepting runtimes.</summary>
    public static DiagnosticPortListener Start(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is null || !Directory.Exists(directory))
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"--diagnostic-port: the directory of {path} does not exist; mount a volume shared with the app there.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(System.IO.Path.GetFullPath(path)) > MaxSocketPathBytes)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"--diagnostic-port: {path} is longer than the {MaxSocketPathBytes} bytes a Unix socket path may have; use a shorter path such as /diag/leakwatch.sock.");
        }

        RemoveStaleSocket(path);
        var assembly = typeof(DiagnosticsClient).Assembly;
        var serverType = assembly.GetType(ServerTypeName);
        var constructor = serverType?.GetConstructor(Any, [typeof(string)]);
        var start = serverType?.GetMethod("Start", Any, Type.EmptyTypes);
        var acceptAsync = serverType?.GetMethod("AcceptAsync", Any, [typeof(CancellationToken)]);
        var removeConnection = serverType?.GetMethod("RemoveConnection", Any, [typeof(Guid)]);
        var disposeAsync = serverType?.GetMethod("DisposeAsync", Any, Type.EmptyTypes);
        if (constructor is null || start is null || acceptAsync is null || removeConnection is null || disposeAsync is null || ClientConstructor() is null)
        {
            throw Unsupported("ReversedDiagnosticsServer");
        }

        var server = constructor.Invoke([path]);
        try
        {
            start.Invoke(server, null);
        }
        catch (TargetInvocationException e) when (Root(e) is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
        {
            throw new LeakWatchException(
                ExitCode.PortUnavailable,
                $"Cannot listen on the diagnostic port {path}: {Root(e).Message}. Is another leakwatch listening on it? Give each agent its own socket path.",
                e);
        }
        catch (TargetInvocationException e) when (Root(e) is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not created at all (a filesystem that refuses sockets, no write permission): not a port someone else holds.
            throw new LeakWatchException(
                ExitCode.InvalidConfiguration,
                $"Cannot create the diagnostic port {path}: {Root(e).Message}. Choose a writable directory on a volume shared with the app (an emptyDir such as /diag).",
                e);
        }

        return new DiagnosticPortListener(path, server, acceptAsync, removeConnection, disposeAsync);
    }

    /// <summary>Waits for the next runtime to connect (a new runtime instance: reconnections of known ones are not returned).</summary>
    public async Task<DiagnosticPortConnection> AcceptAsync(CancellationToken cancellation)
    {
        var task = (Task)_acceptAsync.Invoke(_server, [cancellation])!;
        await task.ConfigureAwait(false);
        var info = task.GetType().GetProperty("Result")!.GetValue(task)!;
        var infoType = info.GetType();
        var endpoint = infoType.GetProperty("Endpoint", Any)?.GetValue(info);
        var pid = infoType.GetProperty("ProcessId", Any)?.GetValue(info);
        var cookie = infoType.GetProperty("RuntimeInstanceCookie", Any)?.GetValue(info);
        var waitForConnection = endpoint?.GetType().GetMethod("WaitForConnectionAsync", Any, [typeof(CancellationToken)]);
        if (endpoint is null || pid is not int processId || cookie is not Guid runtimeCookie || waitForConnection is null)
        {
            throw Unsupported("IpcEndpointInfo");
        }

        var client = (DiagnosticsClient)ClientConstructor()!.Invoke([endpoint]);
        return new DiagnosticPortConnection(processId, runtimeCookie, client, token => (Task)waitForConnection.Invoke(endpoint, [token])!);
    }

    /// <summary>Forgets a runtime that has gone, closing the connection it may have left waiting.</summary>
    public void Remove(DiagnosticPortConnection connection)
    {
        try
        {
            _removeConnection.Invoke(_server, [connection.RuntimeInstanceCookie]);
        }
        catch (TargetInvocationException e) when (e.InnerException is ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await ((ValueTask)_disposeAsync.Invoke(_server, null)!).ConfigureAwait(false);
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static ConstructorInfo? ClientConstructor()
    {
        var endpointType = typeof(DiagnosticsClient).Assembly.GetType("Microsoft.Diagnostics.NETCore.Client.IpcEndpoint");
        return endpointType is null ? null : typeof(DiagnosticsClient).GetConstructor(Any, [endpointType]);
    }

    /// <summary>A socket file left by an agent that was killed refuses new binds; nothing answering on it means it is stale.</summary>
    private static void RemoveStaleSocket(string path)
    {
        if (Directory.Exists(path) || (File.Exists(path) && UnixFileType.IsSocket(path) != true))
        {
            // Never remove what the user did not create for leakwatch: a typo must not cost them a file.
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"--diagnostic-port: {path} already exists and is not a socket; leakwatch will not replace it. Give the path of a new socket, in a directory shared with the app.");
        }

        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path);
        }
        catch (SocketException)
        {
        }
    }

    private static Exception Root(Exception e) => e.InnerException is { } inner ? Root(inner) : e;

    private static LeakWatchException Unsupported(string what) => new(
        ExitCode.InternalError,
        $"--diagnostic-port needs the internal {what} of Microsoft.Diagnostics.NETCore.Client {typeof(DiagnosticsClient).Assembly.GetName().Version}, " +
        "which this build does not have: build leakwatch with the pinned package version (Directory.Packages.props).");
}
