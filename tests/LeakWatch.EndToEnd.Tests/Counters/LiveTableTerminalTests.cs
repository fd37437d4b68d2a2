using System.Globalization;
using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Counters;

/// <summary>
/// `leakwatch attach` in a real terminal (tmux) on an ASP.NET Core service, about 45 series: the screen a person
/// sees keeps the process header and the leak signals, whatever the size, and after a resize.
/// </summary>
public class LiveTableTerminalTests
{
    [Theory]
    [InlineData(100, 30)]
    [InlineData(80, 24)]
    public async Task The_live_table_keeps_header_and_leak_signals_on_screen(int width, int height)
    {
        using var web = await WebApp.StartAsync();
        await web.GetAsync("/orders/1", 3);
        using var terminal = await TmuxTerminal.StartAsync(width, height,
            "dotnet", RepoPaths.AgentDll, "attach", "--pid", web.Pid.ToString(CultureInfo.InvariantCulture), "--urls", "none", "--output", "table");

        var screen = await FullTableAsync(terminal, web);
        AssertFits(screen, width, height, web.Pid);

        // Smaller still: the table is drawn again from the top for the new size.
        await terminal.ResizeAsync(width - 10, height - 6);
        var resized = await FullTableAsync(terminal, web);
        AssertFits(resized, width - 10, height - 6, web.Pid);
    }

    /// <summary>Polls the screen until a table with the web meters' rows is drawn (requests keep the series alive).</summary>
    private static Task<IReadOnlyList<string>> FullTableAsync(TmuxTerminal terminal, WebApp web)
    {
        IReadOnlyList<string> last = [];
        return Eventually.ValueAsync(
            async () =>
            {
                await web.GetAsync("/orders/2", 2);
                last = await terminal.ScreenAsync();
                var drawn = last.Any(l => l.EndsWith("Ctrl+C to stop", StringComparison.Ordinal))
                            && last.Any(l => l.Contains("more rows", StringComparison.Ordinal))
                            && last.Any(l => l.TrimStart().StartsWith("process_num_threads", StringComparison.Ordinal));
                return drawn ? last : null;
            },
            TimeSpan.FromSeconds(90),
            () => "screen:\n" + string.Join('\n', last));
    }

    private static void AssertFits(IReadOnlyList<string> screen, int width, int height, int pid)
    {
        var text = string.Join('\n', screen);
        Assert.True(screen.Count <= height, text);
        Assert.All(screen, line => Assert.True(line.Length <= width, text));
        Assert.Contains(screen, line => line.StartsWith($"LeakWatch.WebApp  pid {pid}", StringComparison.Ordinal));
        foreach (var signal in new[] { "process_num_threads", "dotnet_thread_pool_thread_count", "dotnet_timer_count", "process_open_fds", "process_resident_memory_bytes" })
        {
            Assert.Contains(screen, line => line.TrimStart().StartsWith(signal, StringComparison.Ordinal));
        }

        Assert.EndsWith("Ctrl+C to stop", screen.Last(l => l.Length > 0), StringComparison.Ordinal);
    }
}
