using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace WaCluster.Simulator.Media;

/// <summary>
/// The media host's storage: encrypted blobs as clients upload them, addressed by a direct path. The upload token in
/// the URL is the blob's SHA-256 (base64url); a blob that does not hash to it is refused, as the real host does.
/// </summary>
public sealed class MediaStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private long _nextBlob;

    /// <summary>Upload auth token handed out in media_conn.</summary>
    public string AuthToken { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public int Count => _blobs.Count;

    public long StoredBytes => _blobs.Values.Sum(b => (long)b.Length);

    /// <summary>Stores <paramref name="blob"/> under a new direct path; null when it does not hash to <paramref name="token"/>.</summary>
    public string? Store(string mediaType, string token, byte[] blob)
    {
        var hash = Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (!string.Equals(hash, token.TrimEnd('='), StringComparison.Ordinal)) return null;
        var path = $"/v/sim/{mediaType}/{Interlocked.Increment(ref _nextBlob)}-{token}.enc";
        _blobs[path] = blob;
        return path;
    }

    public byte[]? Get(string directPath) => _blobs.GetValueOrDefault(directPath);
}
