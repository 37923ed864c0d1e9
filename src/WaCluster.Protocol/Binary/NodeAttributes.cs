using System.Collections;

namespace WaCluster.Protocol.Binary;

/// <summary>The ordered, key-unique attributes of a node. Wire order is insertion order; values are never null.</summary>
public readonly struct NodeAttributes : IReadOnlyList<NodeAttribute>
{
    private readonly NodeAttribute[]? _items;

    internal NodeAttributes(NodeAttribute[] items) => _items = items;

    public int Count => _items?.Length ?? 0;

    public NodeAttribute this[int index] => (_items ?? [])[index];

    /// <summary>The value of <paramref name="key"/>, or null when absent.</summary>
    public string? this[string key] => Get(key);

    public string? Get(string key)
    {
        var items = _items;
        if (items is null) return null;
        foreach (ref readonly var item in items.AsSpan())
        {
            if (string.Equals(item.Key, key, StringComparison.Ordinal)) return item.Value;
        }
        return null;
    }

    public bool Contains(string key) => Get(key) is not null;

    public ReadOnlySpan<NodeAttribute> AsSpan() => _items;

    public ReadOnlySpan<NodeAttribute>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    IEnumerator<NodeAttribute> IEnumerable<NodeAttribute>.GetEnumerator() => ((IEnumerable<NodeAttribute>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<NodeAttribute>)this).GetEnumerator();
}
