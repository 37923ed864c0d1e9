using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;
using Certificate = WaCluster.Protocol.Proto.CertChain.Types.NoiseCertificate;
using Details = WaCluster.Protocol.Proto.CertChain.Types.NoiseCertificate.Types.Details;

namespace WaCluster.Protocol.Noise.Certificates;

/// <summary>
/// Verifies the server's certificate chain from ServerHello. Baileys checks both signatures and that the intermediate
/// was issued by the root's serial; like whatsmeow we also require the leaf to be issued by the intermediate's serial,
/// to certify exactly the static key the server used in the handshake, and both to be within their validity dates.
/// </summary>
public sealed class CertificateChainVerifier
{
    /// <summary>The serial of WhatsApp's long-term root ("WhatsAppLongTerm1").</summary>
    public const uint WhatsAppRootSerial = 0;

    /// <summary>WhatsApp's production root public key, which clients trust by default.</summary>
    public static ReadOnlySpan<byte> WhatsAppRootKey =>
    [
        0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
        0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
    ];

    private readonly byte[] _rootPublicKey;
    private readonly uint _rootSerial;
    private readonly TimeProvider _clock;

    public CertificateChainVerifier(ReadOnlySpan<byte> rootPublicKey, uint rootSerial = WhatsAppRootSerial, TimeProvider? clock = null)
    {
        if (rootPublicKey.Length != Curve25519.KeyLength)
        {
            throw new ArgumentException($"root public key must be {Curve25519.KeyLength} bytes", nameof(rootPublicKey));
        }
        _rootPublicKey = rootPublicKey.ToArray();
        _rootSerial = rootSerial;
        _clock = clock ?? TimeProvider.System;
    }

    public static CertificateChainVerifier WhatsApp { get; } = new(WhatsAppRootKey);

    /// <summary>Checks <paramref name="chainBytes"/> (a serialized CertChain) and returns it parsed.</summary>
    public CertChain Verify(ReadOnlySpan<byte> chainBytes, ReadOnlySpan<byte> serverStaticKey)
    {
        var chain = Parse<CertChain>(chainBytes, "certificate chain");
        var intermediate = RequireComplete(chain.Intermediate, "intermediate");
        var leaf = RequireComplete(chain.Leaf, "leaf");

        RequireSignature(_rootPublicKey, intermediate, "intermediate", "the root");
        var intermediateDetails = Parse<Details>(intermediate.Details.Span, "intermediate details");
        RequireIssuer(intermediateDetails, _rootSerial, "intermediate");
        if (intermediateDetails.Key.Length != Curve25519.KeyLength)
        {
            throw Invalid($"intermediate key of {intermediateDetails.Key.Length} bytes");
        }
        RequireValid(intermediateDetails, "intermediate");

        RequireSignature(intermediateDetails.Key.Span, leaf, "leaf", "the intermediate");
        var leafDetails = Parse<Details>(leaf.Details.Span, "leaf details");
        RequireIssuer(leafDetails, intermediateDetails.Serial, "leaf");
        if (!leafDetails.Key.Span.SequenceEqual(serverStaticKey))
        {
            throw Invalid("leaf certificate does not certify the server's static key");
        }
        RequireValid(leafDetails, "leaf");
        return chain;
    }

    private static Certificate RequireComplete(Certificate? certificate, string which)
    {
        if (certificate is null || certificate.Details.IsEmpty || certificate.Signature.Length != Curve25519.SignatureLength)
        {
            throw Invalid($"{which} certificate is missing its details or a {Curve25519.SignatureLength}-byte signature");
        }
        return certificate;
    }

    private static void RequireSignature(ReadOnlySpan<byte> issuerKey, Certificate certificate, string which, string issuer)
    {
        if (!Curve25519.Verify(issuerKey, certificate.Details.Span, certificate.Signature.Span))
        {
            throw Invalid($"{which} certificate is not signed by {issuer}");
        }
    }

    private static void RequireIssuer(Details details, uint issuerSerial, string which)
    {
        if (details.IssuerSerial != issuerSerial)
        {
            throw Invalid($"{which} certificate names issuer serial {details.IssuerSerial}, expected {issuerSerial}");
        }
    }

    // Zero or absent dates mean "unbounded", as WhatsApp omits them on some certificates.
    private void RequireValid(Details details, string which)
    {
        var now = (ulong)_clock.GetUtcNow().ToUnixTimeSeconds();
        if (details.NotBefore != 0 && now < details.NotBefore)
        {
            throw Invalid($"{which} certificate is not valid before {details.NotBefore}");
        }
        if (details.NotAfter != 0 && now > details.NotAfter)
        {
            throw Invalid($"{which} certificate expired at {details.NotAfter}");
        }
    }

    private static T Parse<T>(ReadOnlySpan<byte> bytes, string what) where T : IMessage<T>, new()
    {
        try
        {
            var message = new T();
            message.MergeFrom(bytes);
            return message;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new NoiseException(NoiseError.InvalidCertificate, $"{what} is not a valid protobuf", ex);
        }
    }

    private static NoiseException Invalid(string message) => new(NoiseError.InvalidCertificate, message);
}
