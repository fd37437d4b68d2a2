using System.Globalization;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>
/// A real terminal of a given size: a detached tmux session on a server of its own (its own socket, so other
/// tmux users on the machine are never touched), running one command. The screen is read with capture-pane.
/// </summary>
public sealed class TmuxTerminal : IDisposable
{
    private readonly string _tmux = ExternalTool.Require("tmux");
    private readonly string _socket = "leakwatch-e2e-" + Guid.NewGuid().ToString("N")[..12];

    private TmuxTerminal()
    {
    }

    public static async Task<TmuxTerminal> StartAsync(int width, int height, params string[] command)
    {
        var terminal = new TmuxTerminal();
        var shellCommand = string.Join(' ', command.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        await terminal.RunAsync("new-session", "-d", "-s", "lw", "-x", Number(width), "-y", Number(height), shellCommand);
        return terminal;
    }

    /// <summary>The visible screen, one string per row, trailing blanks trimmed.</summary>
    public async Task<IReadOnlyList<string>> ScreenAsync() =>
        (await RunAsync("capture-pane", "-p", "-t", "lw")).Split('\n').Select(l => l.TrimEnd()).ToList();

    public Task ResizeAsync(int width, int height) =>
        RunAsync("resize-window", "-t", "lw", "-x", Number(width), "-y", Number(height));

    public void Dispose()
    {
        // kill-server on our own socket ends the session and the process it runs (SIGHUP).
        using var kill = new ProcessRunner(_tmux, ["-L", _socket, "kill-server"]);
        kill.WaitForExitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        using var tmux = new ProcessRunner(_tmux, ["-L", _socket, "-f", "/dev/null", .. arguments]);
        var exitCode = await tmux.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, tmux.Transcript);
        return string.Join('\n', tmux.StandardOutput);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
