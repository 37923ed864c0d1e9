using System.Collections.Concurrent;
using System.Security.Cryptography;
using WaCluster.Protocol.Media;

namespace WaCluster.Simulator.Media;

/// <summary>
/// The media host's storage: encrypted blobs as clients upload them, addressed by a direct path. The upload token in
/// the URL is the blob's SHA-256 (base64url); a blob that does not hash to it is refused, as the real host does.
/// Like WhatsApp's CDN, a blob expires after <see cref="Lifetime"/> (or when told to): its path then answers 410 Gone
/// and only a re-upload by a holder of the plaintext makes the media downloadable again.
/// </summary>
public sealed class MediaStore(TimeSpan? lifetime = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, StoredBlob> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _expired = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PhoneSentMedia> _phoneMedia = new(StringComparer.Ordinal);
    private long _nextBlob;

    /// <summary>How long an uploaded blob stays downloadable; null keeps it forever.</summary>
    public TimeSpan? Lifetime { get; } = lifetime;

    /// <summary>Upload auth token handed out in media_conn.</summary>
    public string AuthToken { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public int Count => _blobs.Count;

    public long StoredBytes => _blobs.Values.Sum(b => (long)b.Bytes.Length);

    /// <summary>Stores <paramref name="blob"/> under a new direct path; null when it does not hash to <paramref name="token"/>.</summary>
    public string? Store(string mediaType, string token, byte[] blob)
    {
        if (!string.Equals(Token(blob), token.TrimEnd('='), StringComparison.Ordinal)) return null;
        var path = $"/v/sim/{mediaType}/{Interlocked.Increment(ref _nextBlob)}-{token}.enc";
        _blobs[path] = new StoredBlob(blob, _time.GetUtcNow());
        return path;
    }

    /// <summary>Stores a blob the server side itself uploads (the simulated phone); returns its new direct path.</summary>
    internal string StoreUploaded(MediaType type, byte[] blob) => Store(UploadFolder(type), Token(blob), blob)!;

    // The path a client would upload to (Baileys' MEDIA_PATH_MAP): stickers with images, voice notes with audio.
    private static string UploadFolder(MediaType type) => type switch
    {
        MediaType.Sticker => "image",
        MediaType.Ptt => "audio",
        MediaType.Gif or MediaType.Ptv => "video",
        _ => type.WireName(),
    };

    internal void RememberPhoneMedia(string phoneNumber, string messageId, PhoneSentMedia media) => _phoneMedia[phoneNumber + "|" + messageId] = media;

    internal PhoneSentMedia? FindPhoneMedia(string phoneNumber, string messageId) => _phoneMedia.GetValueOrDefault(phoneNumber + "|" + messageId);

    /// <summary>The blob at <paramref name="directPath"/>, or whether it expired or never existed.</summary>
    public MediaLookup Find(string directPath)
    {
        if (_blobs.TryGetValue(directPath, out var stored))
        {
            if (Lifetime is not { } limit || _time.GetUtcNow() - stored.StoredAt < limit) return new MediaLookup(MediaState.Available, stored.Bytes);
            Expire(directPath);
        }
        return new MediaLookup(_expired.ContainsKey(directPath) ? MediaState.Expired : MediaState.Missing, null);
    }

    /// <summary>Expires the blob at <paramref name="directPath"/> now (its bytes are dropped); false when there is none.</summary>
    public bool Expire(string directPath)
    {
        if (!_blobs.TryRemove(directPath, out _)) return false;
        _expired[directPath] = 0;
        return true;
    }

    /// <summary>Expires every stored blob; returns how many.</summary>
    public int ExpireAll() => _blobs.Keys.Count(Expire);

    private static string Token(byte[] blob) => Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record StoredBlob(byte[] Bytes, DateTimeOffset StoredAt);
}

public enum MediaState
{
    Available,
    Expired,
    Missing,
}

public readonly record struct MediaLookup(MediaState State, byte[]? Blob);
