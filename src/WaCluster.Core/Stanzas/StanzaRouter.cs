using WaCluster.Protocol.Binary;

namespace WaCluster.Core.Stanzas;

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
