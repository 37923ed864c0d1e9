using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Crypto;

[Trait("Proof", "wire-crypto")]
public sealed class CurveInteropTests : IAsyncLifetime
{
    private const int Count = 1000;
    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Our_signatures_verify_in_libsignal_and_match_its_own_bytes()
    {
        var cases = Enumerable.Range(0, Count).Select(i =>
        {
            var pair = Curve25519.GenerateKeyPair();
            var message = RandomNumberGenerator.GetBytes(i % 300);
            return (pair, message, signature: Curve25519.Sign(pair.PrivateKey, message));
        }).ToArray();

        var verified = await _node.CallAsync<bool[]>("curve.verify", new
        {
            items = cases.Select(c => new { publicKey = B64(c.pair.PrefixedPublicKey), message = B64(c.message), signature = B64(c.signature) })
        });
        Assert.Equal(Count, verified.Length);
        Assert.All(verified, Assert.True);

        // libsignal's signatures are deterministic; ours follow the same nonce rule, so the bytes must agree.
        var theirs = await _node.CallAsync<string[]>("curve.sign", new
        {
            items = cases.Select(c => new { privateKey = B64(c.pair.PrivateKey), message = B64(c.message) })
        });
        Assert.Equal(cases.Select(c => B64(c.signature)), theirs);
    }

    [Fact]
    public async Task Libsignal_signatures_verify_here_and_tampering_is_caught()
    {
        var pairs = await _node.CallAsync<KeyPairDto[]>("curve.keyPairs", new { count = Count });
        var messages = Enumerable.Range(0, Count).Select(i => RandomNumberGenerator.GetBytes(1 + i % 200)).ToArray();
        var signatures = await _node.CallAsync<string[]>("curve.sign", new
        {
            items = pairs.Select((p, i) => new { privateKey = p.PrivateKey, message = B64(messages[i]) })
        });

        for (var i = 0; i < Count; i++)
        {
            var publicKey = Convert.FromBase64String(pairs[i].PublicKey);
            var signature = Convert.FromBase64String(signatures[i]);
            Assert.True(Curve25519.Verify(publicKey, messages[i], signature), $"signature {i} rejected");

            var flipped = (byte[])signature.Clone();
            flipped[i % 64] ^= (byte)(1 << (i % 8));
            Assert.False(Curve25519.Verify(publicKey, messages[i], flipped), $"tampered signature {i} accepted");
            var otherMessage = (byte[])messages[i].Clone();
            otherMessage[0] ^= 1;
            Assert.False(Curve25519.Verify(publicKey, otherMessage, signature), $"signature {i} accepted for another message");
        }
    }

    [Fact]
    public async Task Shared_secrets_and_public_keys_agree_with_libsignal()
    {
        var theirs = await _node.CallAsync<KeyPairDto[]>("curve.keyPairs", new { count = 200 });
        var ours = Enumerable.Range(0, 200).Select(_ => Curve25519.GenerateKeyPair()).ToArray();

        var theirSecrets = await _node.CallAsync<string[]>("curve.agree", new
        {
            items = ours.Select((o, i) => new { publicKey = B64(o.PrefixedPublicKey), privateKey = theirs[i].PrivateKey })
        });
        for (var i = 0; i < ours.Length; i++)
        {
            var ourSecret = Curve25519.Agreement(Convert.FromBase64String(theirs[i].PublicKey), ours[i].PrivateKey);
            Assert.Equal(theirSecrets[i], B64(ourSecret));
            // Their private keys come unclamped from node's crypto; the public key must still be derived the same way.
            Assert.Equal(theirs[i].PublicKey, B64(Curve25519.Prefixed(Curve25519.PublicKeyOf(Convert.FromBase64String(theirs[i].PrivateKey)))));
        }
    }

    [Fact]
    public void Malformed_keys_are_typed_errors()
    {
        var pair = Curve25519.GenerateKeyPair();
        Assert.Throws<CryptoException>(() => Curve25519.Agreement(new byte[31], pair.PrivateKey));
        Assert.Throws<CryptoException>(() => Curve25519.Agreement(new byte[33], pair.PrivateKey)); // type byte 0
        Assert.Throws<CryptoException>(() => Curve25519.Agreement(new byte[32], pair.PrivateKey)); // low-order point
        Assert.Throws<CryptoException>(() => Curve25519.Sign(new byte[16], [1, 2, 3]));
        Assert.False(Curve25519.Verify(pair.PublicKey, [1, 2, 3], new byte[63]));
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private sealed record KeyPairDto(string PublicKey, string PrivateKey);
}
