using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Inventory;

/// <summary>
/// Subscribers to a supplier feed over loopback TCP where the publisher side never writes:
/// <code>
///   ReadFeedAsync ──await──▶ NetworkStream.ReadAsync ──▶ client socket &lt;── loopback ──&gt; accepted socket (idle)
/// </code>
/// Both ends of every connection are kept in <see cref="OpenConnections"/> and never closed.
/// </summary>
internal static class Feed
{
    private static readonly List<TcpClient> OpenConnections = [];
    private static readonly Lazy<TcpListener> Publisher = new(StartPublisher);

    /// <summary>Opens one loopback connection and returns the subscriber's end of it.</summary>
    public static async Task<NetworkStream> ConnectAsync(CancellationToken cancellationToken)
    {
        var publisher = Publisher.Value;
        var accepted = publisher.AcceptTcpClientAsync(cancellationToken);
        var subscriber = new TcpClient();
        lock (OpenConnections)
        {
            OpenConnections.Add(subscriber);
        }

        await subscriber.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)publisher.LocalEndpoint).Port, cancellationToken);
        var publisherEnd = await accepted;
        lock (OpenConnections)
        {
            OpenConnections.Add(publisherEnd);
        }

        return subscriber.GetStream();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> ReadFeedAsync(NetworkStream feed)
    {
        var buffer = new byte[512];
        return await feed.ReadAsync(buffer); // the publisher never sends a byte
    }

    private static TcpListener StartPublisher()
    {
        var listener = new TcpListener(IPAddress.Loopback, port: 0);
        listener.Start();
        return listener;
    }
}
