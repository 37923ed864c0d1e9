using System.Collections;

namespace WaCluster.Protocol.Binary;

/// <summary>The child nodes of a node, in wire order (empty when the node has no child list).</summary>
public readonly struct NodeList : IReadOnlyList<BinaryNode>
{
    private readonly BinaryNode[]? _items;

    internal NodeList(BinaryNode[]? items) => _items = items;

    public int Count => _items?.Length ?? 0;

    public BinaryNode this[int index] => (_items ?? [])[index];

    public ReadOnlySpan<BinaryNode> AsSpan() => _items;

    public ReadOnlySpan<BinaryNode>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    IEnumerator<BinaryNode> IEnumerable<BinaryNode>.GetEnumerator() => ((IEnumerable<BinaryNode>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<BinaryNode>)this).GetEnumerator();
}
