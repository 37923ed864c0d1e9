using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;
using Certificate = WaCluster.Protocol.Proto.CertChain.Types.NoiseCertificate;
using Details = WaCluster.Protocol.Proto.CertChain.Types.NoiseCertificate.Types.Details;

namespace WaCluster.Protocol.Noise.Certificates;

/// <summary>
/// Issues a server certificate chain the way WhatsApp's is shaped: an intermediate certificate signed by the root key
/// (its issuer serial is the root's serial), and a leaf certifying the server's static Noise key, signed by the
/// intermediate (its issuer serial is the intermediate's serial). Used by the server simulator and the tests.
/// </summary>
public sealed class CertificateChainBuilder
{
    public required KeyPair Root { get; init; }

    public KeyPair Intermediate { get; init; } = Curve25519.GenerateKeyPair();

    /// <summary>The server's static Noise public key (32 bytes).</summary>
    public required byte[] LeafKey { get; init; }

    /// <summary>Serial of the root; WhatsApp clients require 0 in the intermediate's issuer serial.</summary>
    public uint RootSerial { get; init; } = CertificateChainVerifier.WhatsAppRootSerial;

    public uint IntermediateSerial { get; init; } = 1;

    public uint LeafSerial { get; init; } = 2;

    /// <summary>Validity window written into both certificates; omitted when null.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? NotAfter { get; init; }

    public CertChain Build()
    {
        var intermediate = Issue(Root.PrivateKey, IntermediateSerial, RootSerial, Intermediate.PublicKey);
        var leaf = Issue(Intermediate.PrivateKey, LeafSerial, IntermediateSerial, LeafKey);
        return new CertChain { Intermediate = intermediate, Leaf = leaf };
    }

    public byte[] BuildBytes() => Build().ToByteArray();

    private Certificate Issue(byte[] issuerPrivateKey, uint serial, uint issuerSerial, byte[] subjectKey)
    {
        var details = new Details { Serial = serial, IssuerSerial = issuerSerial, Key = ByteString.CopyFrom(subjectKey) };
        if (NotBefore is { } notBefore)
        {
            details.NotBefore = (ulong)notBefore.ToUnixTimeSeconds();
        }
        if (NotAfter is { } notAfter)
        {
            details.NotAfter = (ulong)notAfter.ToUnixTimeSeconds();
        }
        var detailBytes = details.ToByteArray();
        return new Certificate
        {
            Details = ByteString.CopyFrom(detailBytes),
            Signature = ByteString.CopyFrom(Curve25519.Sign(issuerPrivateKey, detailBytes)),
        };
    }
}
