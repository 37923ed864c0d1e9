using System.Security.Cryptography;

namespace WaCluster.Protocol.Media;

/// <summary>
/// The keys a 32-byte media key expands to: HKDF-SHA256 (no salt, info "WhatsApp &lt;type&gt; Keys", 112 bytes)
/// split into IV (16), cipher key (32), MAC key (32) and ref key (32).
/// </summary>
public sealed class MediaKeys
{
    public const int MediaKeyLength = 32;
    private const int ExpandedLength = 112;

    private readonly byte[] _expanded;

    private MediaKeys(byte[] expanded, MediaType type)
    {
        _expanded = expanded;
        Type = type;
    }

    public MediaType Type { get; }

    public ReadOnlySpan<byte> Iv => _expanded.AsSpan(0, 16);

    public ReadOnlySpan<byte> CipherKey => _expanded.AsSpan(16, 32);

    public ReadOnlySpan<byte> MacKey => _expanded.AsSpan(48, 32);

    public ReadOnlySpan<byte> RefKey => _expanded.AsSpan(80, 32);

    /// <summary>A fresh random media key, as a sender makes one per upload.</summary>
    public static byte[] GenerateMediaKey() => RandomNumberGenerator.GetBytes(MediaKeyLength);

    public static MediaKeys Expand(ReadOnlySpan<byte> mediaKey, MediaType type)
    {
        if (mediaKey.Length != MediaKeyLength)
        {
            throw new MediaException(MediaFailure.BadKeyLength, $"a media key is {MediaKeyLength} bytes, got {mediaKey.Length}");
        }
        var expanded = new byte[ExpandedLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, mediaKey, expanded, salt: default, info: type.HkdfInfo());
        return new MediaKeys(expanded, type);
    }

    // Key material stays out of logs.
    public override string ToString() => $"MediaKeys({Type.WireName()})";
}
