namespace WaCluster.Protocol.Binary;

/// <summary>What a <see cref="BinaryNode"/> carries after its attributes.</summary>
public enum NodeContentKind : byte
{
    /// <summary>No content at all (distinct from an empty child list on the wire).</summary>
    None,

    /// <summary>A list of child nodes, possibly empty.</summary>
    Children,

    /// <summary>Raw bytes.</summary>
    Bytes,

    /// <summary>A string written with the string rules (token, packed, JID or raw): decoders yield it for token, packed and JID content.</summary>
    Text,
}
