using WaCluster.Protocol.Binary;

namespace WaCluster.Core.Stanzas;

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

/// <summary>
/// The table from stanza key to its one handler, fixed at construction: a key registered twice is refused there, so
/// no stanza can reach two handlers. <see cref="Resolve"/> takes the exact key first, then the tag's fallback.
/// </summary>
public sealed class StanzaRouter<THandler>
    where THandler : class
{
    private readonly Dictionary<StanzaKey, THandler> _handlers = [];

    public StanzaRouter(IEnumerable<(StanzaKey Key, THandler Handler)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (key, handler) in entries)
        {
            ArgumentNullException.ThrowIfNull(handler);
            if (!_handlers.TryAdd(key, handler)) throw new ArgumentException($"stanza key {key} is registered twice", nameof(entries));
        }
    }

    /// <summary>Every registered key (for checks that each stanza a server sends has exactly one handler).</summary>
    public IReadOnlyCollection<StanzaKey> Keys => _handlers.Keys;

    /// <summary>The one handler of <paramref name="node"/>, or null when neither its key nor its tag is registered.</summary>
    public THandler? Resolve(BinaryNode node)
    {
        var key = StanzaKey.Of(node);
        if (key.Discriminator is not null && _handlers.TryGetValue(key, out var exact)) return exact;
        return _handlers.GetValueOrDefault(new StanzaKey(key.Tag));
    }
}
