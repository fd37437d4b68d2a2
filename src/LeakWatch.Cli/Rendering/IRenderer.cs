using LeakWatch.Agent;

namespace LeakWatch.Cli.Rendering;

/// <summary>Shows what attach sees. One implementation per output mode, each writing to the TextWriter it was given.</summary>
internal interface IRenderer
{
    /// <summary>Called once per interval with the latest value of every series.</summary>
    void Render(IReadOnlyList<TargetView> targets, DateTimeOffset now);

    /// <summary>A one-off line: attached, warning, leak suspected, exited.</summary>
    void Message(string line);
}

public enum OutputMode
{
    /// <summary>Table on a terminal, lines otherwise.</summary>
    Auto,
    Table,
    Lines,
    Json,
}

internal static class RendererFactory
{
    public static IRenderer Create(OutputMode mode, TextWriter output) => mode switch
    {
        OutputMode.Json => new JsonLinesRenderer(output),
        OutputMode.Lines => new LineRenderer(output),
        OutputMode.Table => new LiveTableRenderer(output),
        _ when ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected => new LiveTableRenderer(output),
        _ => new LineRenderer(output),
    };
}
