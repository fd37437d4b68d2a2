namespace LeakWatch.Agent.Configuration;

/// <summary>
/// A config or rules file as a plain tree, whichever syntax it was written in (YAML or JSON): scalars as text,
/// sequences and mappings. <see cref="Path"/> names the node for messages: <c>rules[2].window</c>.
/// </summary>
public abstract record ConfigNode(string Path)
{
    /// <summary>The line the node starts on (1-based), or 0 when the syntax does not say (JSON).</summary>
    public long Line { get; init; }

    /// <summary>"'rules[2].window' (line 7)" for messages.</summary>
    public string Describe() => $"'{(Path.Length == 0 ? "(top)" : Path)}'" + (Line > 0 ? $" (line {Line})" : "");
}

public sealed record ConfigScalar(string Path, string? Value) : ConfigNode(Path);

public sealed record ConfigSequence(string Path, IReadOnlyList<ConfigNode> Items) : ConfigNode(Path);

public sealed record ConfigMapping(string Path, IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries) : ConfigNode(Path);
