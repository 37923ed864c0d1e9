using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;

namespace WaCluster.Protocol.Tests.Noise;

/// <summary>Our initiator against our responder, over loopback TCP and step by step in memory.</summary>
[Trait("Proof", "wire-noise")]
public sealed class NoiseLoopbackTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Our_initiator_and_responder_exchange_frames_over_tcp()
    {
        var server = TestServerIdentity.Create();
        var clientKey = Curve25519.GenerateKeyPair();
        var payload = RandomNumberGenerator.GetBytes(300);
        using var listener = new LoopbackListener();
        using var timeout = new CancellationTokenSource(Deadline);

        var accepting = Task.Run(async () => await NoiseHandshake.AcceptAsync(await listener.AcceptAsync(timeout.Token), server.ServerOptions, timeout.Token));
        await using var client = await NoiseHandshake.ConnectAsync(await listener.ConnectAsync(timeout.Token),
            new NoiseClientOptions(clientKey, server.Verifier) { RoutingInfo = [1, 2, 3] }, payload, timeout.Token);
        await using var serverSide = await accepting;

        Assert.Equal(server.Static.PublicKey, client.RemoteStaticKey);
        Assert.Equal(clientKey.PublicKey, serverSide.RemoteStaticKey);
        Assert.Equal(payload, serverSide.ClientPayload);
        Assert.Equal([1, 2, 3], serverSide.RoutingInfo);

        var messages = Enumerable.Range(0, 1000).Select(i => RandomNumberGenerator.GetBytes(i % 500)).ToArray();
        var echo = Task.Run(async () =>
        {
            for (var i = 0; i < messages.Length; i++)
            {
                var frame = await serverSide.ReceiveAsync(timeout.Token);
                await serverSide.SendAsync(frame!, timeout.Token);
            }
        });
        foreach (var message in messages)
        {
            await client.SendAsync(message, timeout.Token);
        }
        foreach (var message in messages)
        {
            Assert.Equal(message, await client.ReceiveAsync(timeout.Token));
        }
        await echo;
        Assert.Equal(1002, client.Counters.FramesOut); // ClientHello, ClientFinish, then the messages
        Assert.Equal(1002, serverSide.Counters.FramesIn);
        Assert.Equal(client.Counters.BytesOut, serverSide.Counters.BytesIn);
        Assert.Equal(serverSide.Counters.BytesOut, client.Counters.BytesIn);
    }

    [Fact]
    public void The_split_keys_mirror_each_other_and_each_direction_has_its_own_counter()
    {
        var (client, server) = Handshake(TestServerIdentity.Create());
        using (client)
        using (server)
        {
            var first = client.Encrypt("hello"u8);
            var second = client.Encrypt("hello"u8);
            Assert.NotEqual(first, second);
            Assert.Equal("hello"u8.ToArray(), server.Decrypt(first));
            Assert.Equal("hello"u8.ToArray(), server.Decrypt(second));
            Assert.Equal("back"u8.ToArray(), client.Decrypt(server.Encrypt("back"u8)));
            Assert.Equal(2, client.Writer.Count);
            Assert.Equal(1, client.Reader.Count);

            // The read key is not the write key: a client ciphertext does not decrypt as a server one.
            var failure = Assert.Throws<NoiseException>(() => client.Decrypt(client.Encrypt("x"u8)));
            Assert.Equal(NoiseError.DecryptFailed, failure.Error);
        }
    }

    [Fact]
    public void Tampered_replayed_or_reordered_frames_fail_with_a_NoiseException()
    {
        var (client, server) = Handshake(TestServerIdentity.Create());
        using (client)
        using (server)
        {
            var frames = Enumerable.Range(0, 3).Select(i => client.Encrypt(new byte[] { (byte)i, 1, 2 })).ToArray();
            Assert.Equal([0, 1, 2], server.Decrypt(frames[0]));
            Assert.Equal(NoiseError.DecryptFailed, Assert.Throws<NoiseException>(() => server.Decrypt(frames[0])).Error);
        }

        (client, server) = Handshake(TestServerIdentity.Create());
        using (client)
        using (server)
        {
            var first = client.Encrypt([1, 2, 3]);
            var second = client.Encrypt([4, 5, 6]);
            Assert.Equal(NoiseError.DecryptFailed, Assert.Throws<NoiseException>(() => server.Decrypt(second)).Error);
            Assert.NotNull(first);
        }

        (client, server) = Handshake(TestServerIdentity.Create());
        using (client)
        using (server)
        {
            var frame = client.Encrypt([1, 2, 3]);
            frame[1] ^= 0x80;
            Assert.Equal(NoiseError.DecryptFailed, Assert.Throws<NoiseException>(() => server.Decrypt(frame)).Error);
            Assert.Equal(NoiseError.DecryptFailed, Assert.Throws<NoiseException>(() => server.Decrypt(new byte[15])).Error);
        }
    }

    [Fact]
    public void A_direction_refuses_to_reuse_a_nonce_after_two_to_the_32_messages()
    {
        var (client, server) = Handshake(TestServerIdentity.Create());
        using (client)
        using (server)
        {
            client.Writer.SetCounter(uint.MaxValue);
            server.Reader.SetCounter(uint.MaxValue);
            Assert.Equal([9], server.Decrypt(client.Encrypt([9])));
            Assert.Equal(NoiseError.NonceExhausted, Assert.Throws<NoiseException>(() => client.Encrypt([9])).Error);
            Assert.Equal(NoiseError.NonceExhausted, Assert.Throws<NoiseException>(() => server.Decrypt(new byte[20])).Error);
        }
    }

    [Fact]
    public void Our_initiator_rejects_a_chain_from_another_root()
    {
        var server = TestServerIdentity.Create();
        var otherRoot = new CertificateChainVerifier(Curve25519.GenerateKeyPair().PublicKey);
        var failure = Assert.Throws<NoiseException>(() => Handshake(server, otherRoot));
        Assert.Equal(NoiseError.InvalidCertificate, failure.Error);
        Assert.Contains("not signed by the root", failure.Message);
    }

    [Fact]
    public void Our_initiator_rejects_a_valid_chain_for_another_static_key()
    {
        // Signed correctly by the trusted root, but certifying a key the server does not hold.
        var server = TestServerIdentity.Create(b => new() { Root = b.Root, LeafKey = Curve25519.GenerateKeyPair().PublicKey });
        var failure = Assert.Throws<NoiseException>(() => Handshake(server));
        Assert.Equal(NoiseError.InvalidCertificate, failure.Error);
        Assert.Contains("static key", failure.Message);
    }

    [Fact]
    public void A_tampered_ServerHello_or_ClientFinish_fails_with_a_NoiseException()
    {
        var server = TestServerIdentity.Create();
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.Verifier);
        using var responder = new NoiseResponder(server.Static, server.Chain);
        var serverHello = responder.ReadClientHello([], initiator.CreateClientHello());
        serverHello[^3] ^= 0x10; // inside the encrypted certificate payload's tag
        Assert.Equal(NoiseError.DecryptFailed, Assert.Throws<NoiseException>(() => initiator.ReadServerHello(serverHello, [1])).Error);

        using var initiator2 = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.Verifier);
        using var responder2 = new NoiseResponder(server.Static, server.Chain);
        var finish = initiator2.ReadServerHello(responder2.ReadClientHello([], initiator2.CreateClientHello()), [1, 2, 3]);
        finish[^1] ^= 0x01;
        Assert.Equal(NoiseError.DecryptFailed, Assert.Throws<NoiseException>(() => responder2.ReadClientFinish(finish)).Error);
    }

    [Fact]
    public void A_different_prologue_header_breaks_the_handshake()
    {
        var server = TestServerIdentity.Create();
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.Verifier, [0x57, 0x41, 0x06, 0x02]);
        using var responder = new NoiseResponder(server.Static, server.Chain);
        var serverHello = responder.ReadClientHello([0x57, 0x41, 0x06, 0x03], initiator.CreateClientHello());
        Assert.Equal(NoiseError.DecryptFailed, Assert.Throws<NoiseException>(() => initiator.ReadServerHello(serverHello, [])).Error);
    }

    [Fact]
    public void Messages_of_the_wrong_kind_are_unexpected()
    {
        var server = TestServerIdentity.Create();
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), server.Verifier);
        using var responder = new NoiseResponder(server.Static, server.Chain);
        var clientHello = initiator.CreateClientHello();
        Assert.Equal(NoiseError.UnexpectedMessage, Assert.Throws<NoiseException>(() => initiator.ReadServerHello(clientHello, [])).Error);

        using var responder2 = new NoiseResponder(server.Static, server.Chain);
        var serverHello = responder2.ReadClientHello([], clientHello);
        Assert.Equal(NoiseError.UnexpectedMessage, Assert.Throws<NoiseException>(() => responder.ReadClientHello([], serverHello)).Error);
    }

    [Fact]
    public async Task A_truncated_ServerHello_fails_our_initiator_with_a_NoiseException()
    {
        var server = TestServerIdentity.Create();
        using var listener = new LoopbackListener();
        using var timeout = new CancellationTokenSource(Deadline);
        var fakeServer = Task.Run(async () =>
        {
            await using var stream = await listener.AcceptAsync(timeout.Token);
            var buffer = new byte[256];
            await stream.ReadExactlyAsync(buffer.AsMemory(0, 4 + 3 + 36), timeout.Token);
            using var responder = new NoiseResponder(server.Static, server.Chain);
            var serverHello = responder.ReadClientHello([], buffer.AsSpan(7, 36));
            var frame = new WaCluster.Protocol.Framing.FrameEncoder([]).Encode(serverHello);
            await stream.WriteAsync(frame.AsMemory(0, frame.Length / 2), timeout.Token);
        });
        var stream = await listener.ConnectAsync(timeout.Token);
        var failure = await Assert.ThrowsAsync<NoiseException>(() =>
            NoiseHandshake.ConnectAsync(stream, new NoiseClientOptions(Curve25519.GenerateKeyPair(), server.Verifier), new byte[10], timeout.Token));
        Assert.Equal(NoiseError.TruncatedHandshake, failure.Error);
        await fakeServer;
    }

    private static (NoiseTransport Client, NoiseTransport Server) Handshake(TestServerIdentity server, CertificateChainVerifier? verifier = null)
    {
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), verifier ?? server.Verifier);
        using var responder = new NoiseResponder(server.Static, server.Chain);
        var serverHello = responder.ReadClientHello([], initiator.CreateClientHello());
        responder.ReadClientFinish(initiator.ReadServerHello(serverHello, [7, 7, 7]));
        Assert.Equal([7, 7, 7], responder.ClientPayload);
        return (initiator.CreateTransport(), responder.CreateTransport());
    }
}
