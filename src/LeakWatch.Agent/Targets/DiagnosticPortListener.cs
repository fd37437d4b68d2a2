using System.Net.Sockets;
using LeakWatch.Core;

namespace LeakWatch.Agent.Targets;

/// <summary>
/// <c>attach --diagnostic-port PATH</c>: a Unix socket that .NET runtimes started with
/// <c>DOTNET_DiagnosticPorts=PATH,nosuspend</c> connect to, any number of them, again after each restart.
/// Microsoft.Diagnostics.NETCore.Client keeps the server that accepts several runtimes internal; its use is in
/// <see cref="DiagnosticsClientInternals"/>, with why the public API does not do.
/// </summary>
public sealed class DiagnosticPortListener : IAsyncDisposable
{
    /// <summary>sun_path is 108 bytes on Linux, one of them the terminating zero.</summary>
    private const int MaxSocketPathBytes = 107;

    private readonly DiagnosticsClientInternals.ReversedServer _server;
    private bool _disposed;

    private DiagnosticPortListener(string path, DiagnosticsClientInternals.ReversedServer server)
    {
        Path = path;
        _server = server;
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
        try
        {
            return new DiagnosticPortListener(path, DiagnosticsClientInternals.StartServer(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new LeakWatchException(
                ExitCode.PortUnavailable,
                $"Cannot listen on the diagnostic port {path}: {e.Message}. Is another leakwatch listening on it? Give each agent its own socket path.",
                e);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not created at all (a filesystem that refuses sockets, no write permission): not a port someone else holds.
            throw new LeakWatchException(
                ExitCode.InvalidConfiguration,
                $"Cannot create the diagnostic port {path}: {e.Message}. Choose a writable directory on a volume shared with the app (an emptyDir such as /diag).",
                e);
        }
    }

    /// <summary>Waits for the next runtime to connect (a new runtime instance: reconnections of known ones are not returned).</summary>
    public async Task<DiagnosticPortConnection> AcceptAsync(CancellationToken cancellation)
    {
        var runtime = await DiagnosticsClientInternals.AcceptAsync(_server, cancellation).ConfigureAwait(false);
        return new DiagnosticPortConnection(
            runtime.ProcessId,
            runtime.RuntimeInstanceCookie,
            DiagnosticsClientInternals.CreateClient(runtime),
            token => DiagnosticsClientInternals.WaitForConnectionAsync(runtime, token));
    }

    /// <summary>Forgets a runtime that has gone, closing the connection it may have left waiting.</summary>
    public void Remove(DiagnosticPortConnection connection)
    {
        try
        {
            DiagnosticsClientInternals.RemoveConnection(_server, connection.RuntimeInstanceCookie);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
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
        await DiagnosticsClientInternals.DisposeAsync(_server).ConfigureAwait(false);
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
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
}
