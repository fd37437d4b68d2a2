using System.Globalization;
using System.Net;

namespace LeakWatch.Core.Stacks;

/// <summary>
/// Names sockets by inode from the text of /proc/PID/net/{tcp,tcp6,udp,udp6,unix}. A TCP connection is named by
/// the side that identifies it: an accepted one by the local listening endpoint and the peer's address
/// (<c>tcp 10.0.0.5:8080 ← 10.0.0.9 ESTABLISHED</c>), an outgoing one by the remote endpoint
/// (<c>tcp → 10.1.2.3:5432 ESTABLISHED</c>); ephemeral ports are left out so one leak is one group.
/// </summary>
public static class ProcNetTables
{
    private static readonly Dictionary<string, string> TcpStates = new(StringComparer.Ordinal)
    {
        ["01"] = "ESTABLISHED", ["02"] = "SYN_SENT", ["03"] = "SYN_RECV", ["04"] = "FIN_WAIT1", ["05"] = "FIN_WAIT2",
        ["06"] = "TIME_WAIT", ["07"] = "CLOSE", ["08"] = "CLOSE_WAIT", ["09"] = "LAST_ACK", ["0A"] = "LISTEN", ["0B"] = "CLOSING",
    };

    /// <summary>Socket inode → name, from the tables' text; a table that is missing (null) is skipped.</summary>
    public static Dictionary<long, string> Parse(string? tcp, string? tcp6, string? udp, string? udp6, string? unix)
    {
        var names = new Dictionary<long, string>();
        var tcpRows = Rows(tcp).Concat(Rows(tcp6)).ToList();
        var listening = tcpRows.Where(r => r.State == "0A").Select(r => r.Local).ToList();
        foreach (var row in tcpRows)
        {
            names[row.Inode] = TcpName(row, listening);
        }

        foreach (var row in Rows(udp).Concat(Rows(udp6)))
        {
            names[row.Inode] = row.Remote.Port == 0 ? $"udp {Format(row.Local)}" : $"udp → {Format(row.Remote)}";
        }

        foreach (var line in Lines(unix))
        {
            // Num RefCount Protocol Flags Type St Inode [Path]
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 7 && long.TryParse(fields[6], CultureInfo.InvariantCulture, out var inode))
            {
                names[inode] = fields.Length >= 8 ? $"unix {DescriptorNormalizer.FilePattern(fields[7])}" : "unix (unnamed)";
            }
        }

        return names;
    }

    private static string TcpName(Row row, List<IPEndPoint> listening)
    {
        var state = TcpStates.GetValueOrDefault(row.State, row.State);
        if (row.State == "0A")
        {
            return $"tcp listening {Format(row.Local)}";
        }

        var accepted = listening.Any(l => l.Port == row.Local.Port && (l.Address.Equals(row.Local.Address) || IsAny(l.Address)));
        return accepted
            ? $"tcp {Format(row.Local)} ← {row.Remote.Address} {state}"
            : $"tcp → {Format(row.Remote)} {state}";
    }

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static string Format(IPEndPoint endpoint) => endpoint.ToString();

    private static IEnumerable<Row> Rows(string? table)
    {
        foreach (var line in Lines(table))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 10 && Endpoint(fields[1]) is { } local && Endpoint(fields[2]) is { } remote
                && long.TryParse(fields[9], CultureInfo.InvariantCulture, out var inode) && inode != 0)
            {
                yield return new Row(local, remote, fields[3], inode);
            }
        }
    }

    private static IEnumerable<string> Lines(string? table) =>
        table is null ? [] : table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1);

    /// <summary>"0100007F:1F90" → 127.0.0.1:8080: each 32-bit word of the address is printed in host order.</summary>
    private static IPEndPoint? Endpoint(string text)
    {
        var colon = text.IndexOf(':');
        if (colon is not (8 or 32) || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var bytes = new byte[colon / 2];
        for (var word = 0; word < colon / 8; word++)
        {
            if (!uint.TryParse(text.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            BitConverter.TryWriteBytes(bytes.AsSpan(word * 4, 4), value); // the kernel prints each word in host order
        }

        var address = new IPAddress(bytes);
        return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
    }

    private readonly record struct Row(IPEndPoint Local, IPEndPoint Remote, string State, long Inode);
}
