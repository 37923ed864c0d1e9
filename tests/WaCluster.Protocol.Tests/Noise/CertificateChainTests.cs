using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;
using Details = WaCluster.Protocol.Proto.CertChain.Types.NoiseCertificate.Types.Details;

namespace WaCluster.Protocol.Tests.Noise;

[Trait("Proof", "wire-noise")]
public sealed class CertificateChainTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly KeyPair _root = Curve25519.GenerateKeyPair();
    private readonly KeyPair _server = Curve25519.GenerateKeyPair();

    [Fact]
    public void A_built_chain_links_root_intermediate_and_leaf()
    {
        var intermediateKey = Curve25519.GenerateKeyPair();
        var chain = new CertificateChainBuilder { Root = _root, Intermediate = intermediateKey, LeafKey = _server.PublicKey }.Build();

        var intermediate = Details.Parser.ParseFrom(chain.Intermediate.Details);
        var leaf = Details.Parser.ParseFrom(chain.Leaf.Details);
        Assert.Equal(0U, intermediate.IssuerSerial);
        Assert.Equal(intermediateKey.PublicKey, intermediate.Key.ToByteArray());
        Assert.Equal(intermediate.Serial, leaf.IssuerSerial);
        Assert.Equal(_server.PublicKey, leaf.Key.ToByteArray());
        Assert.True(Curve25519.Verify(_root.PublicKey, chain.Intermediate.Details.Span, chain.Intermediate.Signature.Span));
        Assert.True(Curve25519.Verify(intermediateKey.PublicKey, chain.Leaf.Details.Span, chain.Leaf.Signature.Span));

        var verified = Verifier().Verify(chain.ToByteArray(), _server.PublicKey);
        Assert.Equal(chain, verified);
    }

    [Fact]
    public void The_production_root_rejects_a_test_chain()
    {
        var chain = new CertificateChainBuilder { Root = _root, LeafKey = _server.PublicKey }.BuildBytes();
        Assert.Equal(Convert.FromHexString("142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b"), CertificateChainVerifier.WhatsAppRootKey.ToArray());
        Rejected(() => CertificateChainVerifier.WhatsApp.Verify(chain, _server.PublicKey), "not signed by the root");
    }

    [Fact]
    public void Issuer_serials_must_link_the_chain()
    {
        var wrongRootSerial = new CertificateChainBuilder { Root = _root, LeafKey = _server.PublicKey, RootSerial = 3 }.BuildBytes();
        Rejected(() => Verifier().Verify(wrongRootSerial, _server.PublicKey), "issuer serial 3");

        // A leaf claiming another issuer serial, correctly signed by the intermediate.
        var intermediateKey = Curve25519.GenerateKeyPair();
        var chain = new CertificateChainBuilder { Root = _root, Intermediate = intermediateKey, LeafKey = _server.PublicKey }.Build();
        var leafDetails = new Details { Serial = 2, IssuerSerial = 77, Key = ByteString.CopyFrom(_server.PublicKey) }.ToByteArray();
        chain.Leaf = new CertChain.Types.NoiseCertificate
        {
            Details = ByteString.CopyFrom(leafDetails),
            Signature = ByteString.CopyFrom(Curve25519.Sign(intermediateKey.PrivateKey, leafDetails)),
        };
        Rejected(() => Verifier().Verify(chain.ToByteArray(), _server.PublicKey), "issuer serial 77");
    }

    [Fact]
    public void Validity_dates_are_enforced_when_present()
    {
        CertificateChainBuilder Window(DateTimeOffset notBefore, DateTimeOffset notAfter) =>
            new() { Root = _root, LeafKey = _server.PublicKey, NotBefore = notBefore, NotAfter = notAfter };

        Verifier().Verify(Window(Now.AddDays(-1), Now.AddDays(1)).BuildBytes(), _server.PublicKey);
        Rejected(() => Verifier().Verify(Window(Now.AddDays(-10), Now.AddDays(-1)).BuildBytes(), _server.PublicKey), "expired");
        Rejected(() => Verifier().Verify(Window(Now.AddDays(1), Now.AddDays(10)).BuildBytes(), _server.PublicKey), "not valid before");
    }

    [Fact]
    public void Missing_parts_garbage_and_wrong_keys_are_rejected()
    {
        var chain = new CertificateChainBuilder { Root = _root, LeafKey = _server.PublicKey }.Build();

        Rejected(() => Verifier().Verify(new CertChain { Intermediate = chain.Intermediate }.ToByteArray(), _server.PublicKey), "leaf certificate is missing");
        Rejected(() => Verifier().Verify(new CertChain { Leaf = chain.Leaf }.ToByteArray(), _server.PublicKey), "intermediate certificate is missing");
        var shortSignature = chain.Clone();
        shortSignature.Leaf.Signature = ByteString.CopyFrom(chain.Leaf.Signature.Span[..63]);
        Rejected(() => Verifier().Verify(shortSignature.ToByteArray(), _server.PublicKey), "64-byte signature");
        Rejected(() => Verifier().Verify([0x0a, 0x50, 0x01], _server.PublicKey), "not a valid protobuf");
        Rejected(() => Verifier().Verify(chain.ToByteArray(), Curve25519.GenerateKeyPair().PublicKey), "static key");

        var shortKey = new CertificateChainBuilder { Root = _root, LeafKey = _server.PublicKey }.Build();
        var badIntermediate = new Details { Serial = 1, IssuerSerial = 0, Key = ByteString.CopyFrom(new byte[31]) }.ToByteArray();
        shortKey.Intermediate = new CertChain.Types.NoiseCertificate
        {
            Details = ByteString.CopyFrom(badIntermediate),
            Signature = ByteString.CopyFrom(Curve25519.Sign(_root.PrivateKey, badIntermediate)),
        };
        Rejected(() => Verifier().Verify(shortKey.ToByteArray(), _server.PublicKey), "intermediate key of 31 bytes");
    }

    private CertificateChainVerifier Verifier() => new(_root.PublicKey, clock: new FixedClock(Now));

    private static void Rejected(Action verify, string reason)
    {
        var failure = Assert.Throws<NoiseException>(verify);
        Assert.Equal(NoiseError.InvalidCertificate, failure.Error);
        Assert.Contains(reason, failure.Message);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
