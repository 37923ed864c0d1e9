using WaCluster.Protocol.Media;

namespace WaCluster.Engine.Media;

/// <summary>
/// Media we sent whose content can be read again, by message id, so a re-upload request can be answered after the
/// host dropped the blob. Bounded in count (oldest forgotten first); only the way to reopen the content is kept,
/// never the content itself. A request for anything not here is answered "not found", as WhatsApp does.
/// </summary>
internal sealed class SentMediaStore(int capacity = 512)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SentMedia> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(string id, SentMedia media)
    {
        lock (_lock)
        {
            if (_byId.TryAdd(id, media)) _order.Enqueue(id);
            while (_order.Count > capacity) _byId.Remove(_order.Dequeue());
        }
    }

    public bool TryGet(string id, out SentMedia media)
    {
        lock (_lock) return _byId.TryGetValue(id, out media!);
    }
}

/// <summary>What re-uploading a sent media needs: its type and key (the same blob must come out) and its content.</summary>
internal sealed record SentMedia(MediaType Type, byte[] MediaKey, byte[] FileEncSha256, Func<Stream> Reopen)
{
    public override string ToString() => $"SentMedia({Type})";
}
