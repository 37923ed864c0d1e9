using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Groups;

/// <summary>
/// Hands a sender key to a group member (sent inside a 1:1 encrypted message): version byte (0x33), then protobuf
/// { id = 1, iteration = 2, chainKey = 3, signingKey = 4 (0x05-prefixed public key) }.
/// </summary>
public sealed class SenderKeyDistributionMessage
{
    private const int KeyIdField = 1;
    private const int IterationField = 2;
    private const int ChainKeyField = 3;
    private const int SigningKeyField = 4;

    private readonly byte[] _chainKey;
    private readonly byte[] _signingKey;

    /// <param name="signingKey">The sender's public signing key, raw (32 bytes) or 0x05-prefixed (33 bytes).</param>
    /// <exception cref="InvalidKeyException">The chain key is not 32 bytes or the signing key is not a Curve25519 public key.</exception>
    public SenderKeyDistributionMessage(uint keyId, uint iteration, ReadOnlySpan<byte> chainKey, ReadOnlySpan<byte> signingKey)
    {
        if (chainKey.Length != SenderKeyState.SeedLength)
        {
            throw new InvalidKeyException($"sender chain key must be {SenderKeyState.SeedLength} bytes, got {chainKey.Length}");
        }
        KeyId = keyId;
        Iteration = iteration;
        _chainKey = chainKey.ToArray();
        _signingKey = RawSigningKey(signingKey);
    }

    public uint KeyId { get; }

    /// <summary>The chain position the key starts at: messages before it cannot be decrypted with this key.</summary>
    public uint Iteration { get; }

    /// <summary>The chain seed at <see cref="Iteration"/>. Secret: whoever holds it reads the group's messages.</summary>
    public ReadOnlySpan<byte> ChainKey => _chainKey;

    /// <summary>Raw 32-byte public signing key.</summary>
    public ReadOnlySpan<byte> SigningKey => _signingKey;

    public byte[] Serialize()
    {
        var prefixedKeyLength = Curve25519.KeyLength + 1;
        var length = 1 + ProtobufFields.UInt32FieldSize(KeyId) + ProtobufFields.UInt32FieldSize(Iteration) +
            ProtobufFields.BytesFieldSize(_chainKey.Length) + ProtobufFields.BytesFieldSize(prefixedKeyLength);
        var bytes = new byte[length];
        var output = bytes.AsSpan();
        output[0] = SenderKeyMessage.VersionByte;
        var position = 1;
        position += ProtobufFields.WriteUInt32Field(output[position..], KeyIdField, KeyId);
        position += ProtobufFields.WriteUInt32Field(output[position..], IterationField, Iteration);
        position += ProtobufFields.WriteBytesHeader(output[position..], ChainKeyField, _chainKey.Length);
        _chainKey.CopyTo(output[position..]);
        position += _chainKey.Length;
        position += ProtobufFields.WriteBytesHeader(output[position..], SigningKeyField, prefixedKeyLength);
        output[position++] = Curve25519.DjbKeyType;
        _signingKey.CopyTo(output[position..]);
        return bytes;
    }

    /// <exception cref="InvalidMessageException">Not a well-formed version 3 distribution message.</exception>
    /// <exception cref="InvalidKeyException">It carries a chain key or signing key of the wrong shape.</exception>
    public static SenderKeyDistributionMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.IsEmpty)
        {
            throw new InvalidMessageException("sender key distribution message is empty");
        }
        var version = serialized[0] >> 4;
        if (version != SenderKeyMessage.CurrentVersion)
        {
            throw new InvalidMessageException($"sender key distribution message version {version} is not supported");
        }
        var body = serialized[1..];
        var reader = new ProtobufReader(body, "sender key distribution message");
        uint? keyId = null, iteration = null;
        Range? chainKey = null, signingKey = null;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case KeyIdField:
                    keyId = reader.ReadUInt32(wireType);
                    break;
                case IterationField:
                    iteration = reader.ReadUInt32(wireType);
                    break;
                case ChainKeyField:
                    chainKey = reader.ReadBytes(wireType);
                    break;
                case SigningKeyField:
                    signingKey = reader.ReadBytes(wireType);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
        if (keyId is null || iteration is null || chainKey is null || signingKey is null)
        {
            throw new InvalidMessageException("sender key distribution message lacks its id, iteration, chain key or signing key");
        }
        return new SenderKeyDistributionMessage(keyId.Value, iteration.Value, body[chainKey.Value], body[signingKey.Value]);
    }

    private static byte[] RawSigningKey(ReadOnlySpan<byte> signingKey)
    {
        try
        {
            return Curve25519.Raw(signingKey).ToArray();
        }
        catch (CryptoException ex)
        {
            throw new InvalidKeyException("sender signing key is not a Curve25519 public key", ex);
        }
    }

    // The chain key is secret: print only what identifies the key.
    public override string ToString() => $"SenderKeyDistributionMessage(id {KeyId}, iteration {Iteration}, signing key {Convert.ToHexString(_signingKey)})";
}
