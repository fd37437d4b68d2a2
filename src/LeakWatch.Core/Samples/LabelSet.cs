using System.Collections;
using System.Text;

namespace LeakWatch.Core.Samples;

/// <summary>An immutable, name-sorted set of label pairs with value equality, usable as a dictionary key.</summary>
public sealed class LabelSet : IEquatable<LabelSet>, IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly KeyValuePair<string, string>[] _pairs;
    private readonly int _hash;

    public static LabelSet Empty { get; } = new([]);

    private LabelSet(KeyValuePair<string, string>[] sortedPairs)
    {
        _pairs = sortedPairs;
        var hash = new HashCode();
        foreach (var (key, value) in _pairs)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var array = pairs.ToArray();
        if (array.Length == 0)
        {
            return Empty;
        }

        Array.Sort(array, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new LabelSet(array);
    }

    public static LabelSet Of(params (string Name, string Value)[] pairs) =>
        From(pairs.Select(p => KeyValuePair.Create(p.Name, p.Value)));

    public int Count => _pairs.Length;

    public KeyValuePair<string, string> this[int index] => _pairs[index];

    public IEnumerable<string> Names => _pairs.Select(p => p.Key);

    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in _pairs)
            {
                if (key == name)
                {
                    return value;
                }
            }

            return null;
        }
    }

    public LabelSet With(string name, string value) =>
        From(_pairs.Where(p => p.Key != name).Append(KeyValuePair.Create(name, value)));

    public bool Equals(LabelSet? other) =>
        other is not null && _hash == other._hash && _pairs.AsSpan().SequenceEqual(other._pairs);

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => _hash;

    public override string ToString()
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < _pairs.Length; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(_pairs[i].Key).Append("=\"").Append(_pairs[i].Value).Append('"');
        }

        return text.Append('}').ToString();
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
