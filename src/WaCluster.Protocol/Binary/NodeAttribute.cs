using WaCluster.Protocol.Jids;

namespace WaCluster.Protocol.Binary;

/// <summary>One attribute of a <see cref="BinaryNode"/>. A null value means "absent": the node drops it, as Baileys skips undefined/null attributes.</summary>
public readonly record struct NodeAttribute(string Key, string? Value)
{
    public static implicit operator NodeAttribute((string Key, string? Value) pair) => new(pair.Key, pair.Value);

    /// <summary>A JID-valued attribute; an empty (default) JID counts as absent.</summary>
    public static implicit operator NodeAttribute((string Key, Jid Value) pair) =>
        new(pair.Key, pair.Value.IsEmpty ? null : pair.Value.ToString());

    public override string ToString() => $"{Key}=\"{Value}\"";
}
