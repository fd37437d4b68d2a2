using System.Text;
using System.Text.Json;
using LeakWatch.Core;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LeakWatch.Agent.Configuration;

/// <summary>
/// Reads a settings file into a <see cref="ConfigNode"/> tree, bounded: regular files only, at most
/// <see cref="MaxBytes"/>, nesting at most <see cref="MaxDepth"/> deep, no YAML aliases. JSON for <c>.json</c> files
/// or text starting with '{' (comments and trailing commas allowed), YAML otherwise. Every failure is one
/// <see cref="LeakWatchException"/> with exit code 7 naming the file.
/// </summary>
public static class ConfigTreeReader
{
    public const int MaxBytes = 1024 * 1024;

    public const int MaxDepth = 32;

    private static readonly string[] SpecialFileSystems = ["/dev/", "/proc/", "/sys/"];

    /// <param name="what">How messages call the file: "config file", "rules file".</param>
    public static ConfigNode? Read(string path, string what) => Parse(ReadBounded(path, what), path, what);

    public static ConfigNode? Parse(string text, string path, string what)
    {
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        var json = extension == ".json" || (extension is not (".yaml" or ".yml") && text.TrimStart().StartsWith('{'));
        return json ? ParseJson(text, path, what) : ParseYaml(text, path, what);
    }

    /// <summary>The file's text, refusing directories, devices and anything larger than <see cref="MaxBytes"/>.</summary>
    public static string ReadBounded(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw Invalid($"the {what} path is empty or not a path: give the path of a file.");
        }

        var full = System.IO.Path.GetFullPath(path);
        // A fifo would block the open until something writes to it; a device may never end.
        if (Directory.Exists(full) || SpecialFileSystems.Any(prefix => full.StartsWith(prefix, StringComparison.Ordinal))
            || (OperatingSystem.IsLinux() && Targets.UnixFileType.IsRegularFile(full) == false))
        {
            throw Invalid($"{what} {path} is not a regular file: give the path of a YAML or JSON file.");
        }

        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            var buffer = new byte[MaxBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            if (length > MaxBytes)
            {
                throw Invalid($"{what} {path} is larger than {MaxBytes / 1024 / 1024} MiB: settings files are small; check the path.");
            }

            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (FileNotFoundException)
        {
            throw Invalid($"{what} {path} cannot be read: no such file.");
        }
        catch (DirectoryNotFoundException)
        {
            throw Invalid($"{what} {path} cannot be read: no such directory.");
        }
        catch (UnauthorizedAccessException)
        {
            throw Invalid($"{what} {path} cannot be read: permission denied.");
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"{what} {path} is not UTF-8 text: give a YAML or JSON file.");
        }
        catch (IOException e)
        {
            throw Invalid($"{what} {path} cannot be read: {LeakWatch.Core.Text.UserMessages.Describe(e)}.");
        }
    }

    private static ConfigNode? ParseJson(string text, string path, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                MaxDepth = MaxDepth,
            });
            return FromJson(document.RootElement, "");
        }
        catch (JsonException e)
        {
            // The framework's message may be a bare resource key (the tool runs with UseSystemResourceKeys).
            throw Invalid($"{what} {path} is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}), or nests deeper than {MaxDepth} levels.");
        }
    }

    private static ConfigNode FromJson(JsonElement element, string at) => element.ValueKind switch
    {
        JsonValueKind.Object => new ConfigMapping(at, element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value, Child(at, p.Name)))).ToList()),
        JsonValueKind.Array => new ConfigSequence(at, element.EnumerateArray().Select((e, i) => FromJson(e, $"{at}[{i}]")).ToList()),
        JsonValueKind.String => new ConfigScalar(at, element.GetString()),
        JsonValueKind.Null => new ConfigScalar(at, null),
        _ => new ConfigScalar(at, element.GetRawText()),
    };

    private static ConfigNode? ParseYaml(string text, string path, string what)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadYaml(parser, "", 0, path, what);
            parser.Consume<DocumentEnd>();
            return root;
        }
        catch (YamlException e)
        {
            throw Invalid($"{what} {path} is not valid YAML or JSON (line {e.Start.Line}, column {e.Start.Column}): {FirstLine(e.Message)}");
        }
    }

    private static ConfigNode ReadYaml(IParser parser, string at, int depth, string path, string what)
    {
        if (depth > MaxDepth)
        {
            throw Invalid($"{what} {path} nests deeper than {MaxDepth} levels at {(at.Length == 0 ? "the top" : at)}.");
        }

        var line = parser.Current?.Start.Line ?? 0;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var plainNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null";
            return new ConfigScalar(at, plainNull ? null : scalar.Value) { Line = line };
        }

        if (parser.TryConsume<SequenceStart>(out _))
        {
            var items = new List<ConfigNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadYaml(parser, $"{at}[{items.Count}]", depth + 1, path, what));
            }

            return new ConfigSequence(at, items) { Line = line };
        }

        if (parser.TryConsume<MappingStart>(out _))
        {
            var entries = new List<KeyValuePair<string, ConfigNode>>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadYaml(parser, at, depth + 1, path, what) as ConfigScalar
                          ?? throw Invalid($"{what} {path}: the keys under {(at.Length == 0 ? "the top" : at)} must be plain names.");
                var name = key.Value ?? "";
                var value = ReadYaml(parser, Child(at, name), depth + 1, path, what);
                entries.Add(KeyValuePair.Create(name, value with { Line = key.Line }));
            }

            return new ConfigMapping(at, entries) { Line = line };
        }

        var unexpected = parser.Current;
        throw Invalid($"{what} {path}: {(unexpected is AnchorAlias ? "YAML aliases (*name) are not supported" : "unexpected content")} at line {unexpected?.Start.Line}.");
    }

    private static string Child(string at, string key) => at.Length == 0 ? key : $"{at}.{key}";

    private static string FirstLine(string text) => text.Split('\n')[0].Trim().TrimEnd('.') + ".";

    private static LeakWatchException Invalid(string message) => new(ExitCode.InvalidConfiguration, message);
}
