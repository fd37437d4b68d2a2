using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Inventory;

/// <summary>
/// Consumers of a stock-event channel nobody writes to:
/// <c>NextEventAsync ──await──▶ ChannelReader.ReadAsync()</c> on an empty, never-completed channel.
/// </summary>
internal static class Events
{
    private static readonly Channel<string> StockEvents = Channel.CreateUnbounded<string>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<string> NextEventAsync() => await StockEvents.Reader.ReadAsync();
}
