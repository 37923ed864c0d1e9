namespace WaCluster.Protocol.Binary;

/// <summary>
/// What a received stanza is routed by: its tag and, where one tag carries different stanzas, a discriminator. A key
/// without a discriminator is the tag's fallback: it takes every stanza of that tag no other entry takes.
/// </summary>
public readonly record struct StanzaKey(string Tag, string? Discriminator = null)
{
    /// <summary>
    /// The key of <paramref name="node"/>: notifications by <c>type</c>, receipts by <c>type</c> (none is a delivery
    /// receipt), acks by <c>class</c>, iqs by their first child (or <c>xmlns</c> when they have none), info broadcasts
    /// by their first child; every other stanza by its tag alone.
    /// </summary>
    public static StanzaKey Of(BinaryNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var discriminator = node.Tag switch
        {
            "notification" => node.GetAttribute("type"),
            "receipt" => node.GetAttribute("type") is { Length: > 0 } type ? type : "delivery",
            "ack" => node.GetAttribute("class"),
            "iq" => node.Children.Count > 0 ? node.Children[0].Tag : node.GetAttribute("xmlns"),
            "ib" => node.Children.Count > 0 ? node.Children[0].Tag : null,
            _ => null,
        };
        return new StanzaKey(node.Tag, discriminator);
    }

    public override string ToString() => Discriminator is null ? Tag : Tag + "/" + Discriminator;
}
