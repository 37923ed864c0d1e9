using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Proto;

namespace WaCluster.Signal.Keys;

/// <summary>The medium-term pre-key, signed by our identity key over its 33-byte prefixed public key.</summary>
public sealed class SignedPreKeyRecord
{
    internal const uint RecordVersion = 1;

    public SignedPreKeyRecord(uint id, KeyPair keyPair, byte[] signature, DateTimeOffset timestamp)
    {
        PublicKeys.RequirePrivate(keyPair.PrivateKey, "signed pre-key private key");
        if (signature.Length != Curve25519.SignatureLength)
        {
            throw new InvalidKeyException($"signed pre-key signature must be {Curve25519.SignatureLength} bytes, got {signature.Length}");
        }
        Id = id;
        KeyPair = new KeyPair(Curve25519.Raw(keyPair.PublicKey).ToArray(), keyPair.PrivateKey);
        Signature = signature;
        Timestamp = timestamp;
    }

    public uint Id { get; }

    /// <summary>Raw 32-byte public key and the private key.</summary>
    public KeyPair KeyPair { get; }

    public byte[] Signature { get; }

    public DateTimeOffset Timestamp { get; }

    public byte[] PrefixedPublicKey => KeyPair.PrefixedPublicKey;

    public byte[] ToByteArray() => ToStructure().ToByteArray();

    public static SignedPreKeyRecord Parse(ReadOnlySpan<byte> bytes) =>
        FromStructure(RecordParsing.Parse(SignedPreKeyRecordStructure.Parser, bytes, "signed pre-key record"));

    internal SignedPreKeyRecordStructure ToStructure() => new()
    {
        Version = RecordVersion,
        Id = Id,
        PublicKey = ByteString.CopyFrom(KeyPair.PublicKey),
        PrivateKey = ByteString.CopyFrom(KeyPair.PrivateKey),
        Signature = ByteString.CopyFrom(Signature),
        TimestampMs = Timestamp.ToUnixTimeMilliseconds(),
    };

    internal static SignedPreKeyRecord FromStructure(SignedPreKeyRecordStructure structure)
    {
        RecordParsing.RequireVersion(structure.Version, RecordVersion, "signed pre-key record");
        return RecordParsing.Guard("signed pre-key record", () => new SignedPreKeyRecord(structure.Id,
            new KeyPair(PublicKeys.Prefixed(structure.PublicKey.Span, "signed pre-key public key")[1..], structure.PrivateKey.ToByteArray()),
            structure.Signature.ToByteArray(),
            DateTimeOffset.FromUnixTimeMilliseconds(structure.TimestampMs)));
    }

    public override string ToString() => $"SignedPreKeyRecord({Id})";
}
