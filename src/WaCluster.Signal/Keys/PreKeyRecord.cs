using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Proto;

namespace WaCluster.Signal.Keys;

/// <summary>A one-time pre-key: consumed by the first session a peer builds with it.</summary>
public sealed class PreKeyRecord
{
    internal const uint RecordVersion = 1;

    public PreKeyRecord(uint id, KeyPair keyPair)
    {
        PublicKeys.RequirePrivate(keyPair.PrivateKey, "pre-key private key");
        Id = id;
        KeyPair = new KeyPair(Curve25519.Raw(keyPair.PublicKey).ToArray(), keyPair.PrivateKey);
    }

    public uint Id { get; }

    /// <summary>Raw 32-byte public key and the private key.</summary>
    public KeyPair KeyPair { get; }

    public byte[] PrefixedPublicKey => KeyPair.PrefixedPublicKey;

    public byte[] ToByteArray() => ToStructure().ToByteArray();

    public static PreKeyRecord Parse(ReadOnlySpan<byte> bytes) =>
        FromStructure(RecordParsing.Parse(PreKeyRecordStructure.Parser, bytes, "pre-key record"));

    internal PreKeyRecordStructure ToStructure() => new()
    {
        Version = RecordVersion,
        Id = Id,
        PublicKey = ByteString.CopyFrom(KeyPair.PublicKey),
        PrivateKey = ByteString.CopyFrom(KeyPair.PrivateKey),
    };

    internal static PreKeyRecord FromStructure(PreKeyRecordStructure structure)
    {
        RecordParsing.RequireVersion(structure.Version, RecordVersion, "pre-key record");
        return RecordParsing.Guard("pre-key record", () => new PreKeyRecord(structure.Id,
            new KeyPair(PublicKeys.Prefixed(structure.PublicKey.Span, "pre-key public key")[1..], structure.PrivateKey.ToByteArray())));
    }

    public override string ToString() => $"PreKeyRecord({Id})";
}
