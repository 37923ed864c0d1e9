using WaCluster.Protocol.Media;

namespace WaCluster.Engine.Media;

/// <summary>
/// Media we uploaded whose content can be read again, so a re-upload request can be answered after the host dropped
/// the blob. Bounded in count (oldest forgotten first); only the way to reopen the content is kept, never the content.
/// A request finds its media by message id when the send is known here, else by its sealed payload: only the media
/// key of that very media opens it (media uploaded ahead of a send, e.g. through a durable outbox, has no id yet).
/// A request for anything not here is answered "not found", as WhatsApp does.
/// </summary>
internal sealed class SentMediaStore(int capacity = 512)
{
    private readonly Lock _lock = new();
    private readonly Queue<SentMedia> _uploads = new();
    private readonly Dictionary<string, SentMedia> _byId = new(StringComparer.Ordinal);

    public void Add(SentMedia media)
    {
        lock (_lock)
        {
            _uploads.Enqueue(media);
            if (_uploads.Count <= capacity) return;
            var forgotten = _uploads.Dequeue();
            foreach (var id in _byId.Where(e => e.Value == forgotten).Select(e => e.Key).ToArray()) _byId.Remove(id);
        }
    }

    /// <summary>Records that message <paramref name="id"/> carries <paramref name="media"/> (while it is still remembered).</summary>
    public void Bind(string id, SentMedia media)
    {
        lock (_lock)
        {
            if (_uploads.Contains(media)) _byId[id] = media;
        }
    }

    /// <summary>The media message <paramref name="id"/> carries: bound to the id, or the one whose key opens <paramref name="request"/>.</summary>
    public SentMedia? Find(string id, MediaRetryCrypto.Sealed? request)
    {
        SentMedia[] candidates;
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out var bound)) return bound;
            if (request is null) return null;
            candidates = _uploads.ToArray();
        }
        // Newest first: a request most likely concerns a recent send. Each try is one HKDF and one GCM tag check.
        for (var i = candidates.Length - 1; i >= 0; i--)
        {
            try
            {
                MediaRetryCrypto.DecryptRequest(request.Value, id, candidates[i].MediaKey);
            }
            catch (MediaRetryException)
            {
                continue;
            }
            Bind(id, candidates[i]);
            return candidates[i];
        }
        return null;
    }
}

/// <summary>What re-uploading a sent media needs: its type and key (the same blob must come out) and its content.</summary>
internal sealed record SentMedia(MediaType Type, byte[] MediaKey, byte[] FileEncSha256, Func<Stream> Reopen)
{
    public override string ToString() => $"SentMedia({Type})";
}
