using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Keys;

/// <summary>Validation of Curve25519 public keys taken from messages, bundles and records.</summary>
internal static class PublicKeys
{
    public const int PrefixedLength = Curve25519.KeyLength + 1;

    /// <summary>The 33-byte prefixed form of a raw or prefixed key; rejects any other shape with <see cref="InvalidKeyException"/>.</summary>
    public static byte[] Prefixed(ReadOnlySpan<byte> key, string what)
    {
        if (key.Length == PrefixedLength && key[0] == Curve25519.DjbKeyType)
        {
            return key.ToArray();
        }
        if (key.Length == Curve25519.KeyLength)
        {
            return Curve25519.Prefixed(key);
        }
        throw new InvalidKeyException($"{what} is not a Curve25519 public key ({key.Length} bytes" +
            (key.Length == PrefixedLength ? $", type byte {key[0]})" : ")"));
    }

    /// <summary>Like <see cref="Prefixed"/> but insists on the prefixed wire form, as libsignal messages carry it.</summary>
    public static byte[] RequirePrefixed(ReadOnlySpan<byte> key, string what)
    {
        if (key.Length != PrefixedLength || key[0] != Curve25519.DjbKeyType)
        {
            throw new InvalidKeyException($"{what} must be a 0x05-prefixed 33-byte key, got {key.Length} bytes");
        }
        return key.ToArray();
    }

    public static void RequirePrivate(ReadOnlySpan<byte> key, string what)
    {
        if (key.Length != Curve25519.KeyLength)
        {
            throw new InvalidKeyException($"{what} must be {Curve25519.KeyLength} bytes, got {key.Length}");
        }
    }

    /// <summary>X25519 with the peer key in either form; a low-order or malformed key becomes <see cref="InvalidKeyException"/>.</summary>
    public static void Agree(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey, Span<byte> shared)
    {
        try
        {
            Curve25519.Agreement(publicKey, privateKey, shared);
        }
        catch (CryptoException ex)
        {
            throw new InvalidKeyException("key agreement failed: " + ex.Message, ex);
        }
    }
}
