using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Groups;

/// <summary>
/// A group message on the wire: version byte (0x33), protobuf { id = 1, iteration = 2, ciphertext = 3 }, then a
/// 64-byte Curve25519 signature by the sender's signing key over everything before it.
/// This view holds the parsed header; <see cref="Ciphertext"/> locates the body inside the parsed bytes.
/// </summary>
public readonly record struct SenderKeyMessage(uint KeyId, uint Iteration, Range Ciphertext)
{
    public const int CurrentVersion = 3;
    public const int SignatureLength = Curve25519.SignatureLength;

    internal const byte VersionByte = CurrentVersion << 4 | CurrentVersion;

    private const int KeyIdField = 1;
    private const int IterationField = 2;
    private const int CiphertextField = 3;

    /// <exception cref="InvalidMessageException">Not a well-formed version 3 sender key message.</exception>
    public static SenderKeyMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 1 + SignatureLength)
        {
            throw new InvalidMessageException($"sender key message of {serialized.Length} bytes is too short");
        }
        var version = serialized[0] >> 4;
        if (version != CurrentVersion)
        {
            throw new InvalidMessageException($"sender key message version {version} is not supported");
        }
        var body = serialized[1..^SignatureLength];
        var reader = new ProtobufReader(body, "sender key message");
        uint? keyId = null, iteration = null;
        Range? ciphertext = null;
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
                case CiphertextField:
                    var range = reader.ReadBytes(wireType);
                    ciphertext = (range.Start.Value + 1)..(range.End.Value + 1);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
        if (keyId is null || iteration is null || ciphertext is null)
        {
            throw new InvalidMessageException("sender key message lacks its id, iteration or ciphertext");
        }
        return new SenderKeyMessage(keyId.Value, iteration.Value, ciphertext.Value);
    }

    /// <summary>True when the trailing signature of <paramref name="serialized"/> verifies with <paramref name="signingPublicKey"/>.</summary>
    internal static bool HasValidSignature(ReadOnlySpan<byte> serialized, ReadOnlySpan<byte> signingPublicKey) =>
        Curve25519.Verify(signingPublicKey, serialized[..^SignatureLength], serialized[^SignatureLength..]);

    /// <summary>
    /// Lays out an unsigned message with room for <paramref name="ciphertextLength"/> ciphertext bytes and the
    /// signature; returns the buffer and where the ciphertext goes, so it can be encrypted in place.
    /// </summary>
    internal static byte[] Allocate(uint keyId, uint iteration, int ciphertextLength, out Range ciphertext)
    {
        var bodyLength = ProtobufFields.UInt32FieldSize(keyId) + ProtobufFields.UInt32FieldSize(iteration) +
            ProtobufFields.BytesFieldSize(ciphertextLength);
        var message = new byte[1 + bodyLength + SignatureLength];
        message[0] = VersionByte;
        var position = 1;
        position += ProtobufFields.WriteUInt32Field(message.AsSpan(position), KeyIdField, keyId);
        position += ProtobufFields.WriteUInt32Field(message.AsSpan(position), IterationField, iteration);
        position += ProtobufFields.WriteBytesHeader(message.AsSpan(position), CiphertextField, ciphertextLength);
        ciphertext = position..(position + ciphertextLength);
        return message;
    }

    /// <summary>Signs everything before the signature slot of a message laid out by <see cref="Allocate"/>.</summary>
    internal static void Sign(byte[] message, ReadOnlySpan<byte> signingPrivateKey)
    {
        var signature = Curve25519.Sign(signingPrivateKey, message.AsSpan(0, message.Length - SignatureLength));
        signature.CopyTo(message.AsSpan(message.Length - SignatureLength));
    }
}
