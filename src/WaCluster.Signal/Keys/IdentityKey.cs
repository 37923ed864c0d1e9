using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Keys;

/// <summary>A device's long-term public identity key, kept in libsignal's 33-byte form (0x05 type byte, then the key).</summary>
public sealed class IdentityKey : IEquatable<IdentityKey>
{
    public const int SerializedLength = Curve25519.KeyLength + 1;

    private readonly byte[] _serialized;

    private IdentityKey(byte[] serialized) => _serialized = serialized;

    /// <summary>Accepts the key raw (32 bytes) or prefixed (33 bytes); anything else is an <see cref="InvalidKeyException"/>.</summary>
    public static IdentityKey FromBytes(ReadOnlySpan<byte> key) => new(PublicKeys.Prefixed(key, "identity key"));

    /// <summary>The 33-byte prefixed form; a copy, so callers cannot alter the key.</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal ReadOnlySpan<byte> Span => _serialized;

    /// <summary>The shared prefixed bytes; only for code that never writes them.</summary>
    internal byte[] Bytes => _serialized;

    public bool Equals(IdentityKey? other) => other is not null && _serialized.AsSpan().SequenceEqual(other._serialized);

    public override bool Equals(object? obj) => Equals(obj as IdentityKey);

    public override int GetHashCode() => BitConverter.ToInt32(_serialized, 1);

    public override string ToString() => $"IdentityKey({Convert.ToHexString(_serialized)})";
}

/// <summary>Our own identity: the public key we announce and the private key that signs and agrees.</summary>
public sealed class IdentityKeyPair
{
    public IdentityKeyPair(IdentityKey publicKey, byte[] privateKey)
    {
        if (privateKey.Length != Curve25519.KeyLength)
        {
            throw new InvalidKeyException($"identity private key must be {Curve25519.KeyLength} bytes, got {privateKey.Length}");
        }
        PublicKey = publicKey;
        PrivateKey = privateKey;
    }

    public IdentityKey PublicKey { get; }

    public byte[] PrivateKey { get; }

    public static IdentityKeyPair Generate()
    {
        var pair = Curve25519.GenerateKeyPair();
        return new IdentityKeyPair(IdentityKey.FromBytes(pair.PublicKey), pair.PrivateKey);
    }

    public override string ToString() => $"IdentityKeyPair({PublicKey})";
}
