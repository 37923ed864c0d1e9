using System.Text.Json.Serialization;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Noise;

/// <summary>Baileys' own noise handler, as a client over TCP, against our responder.</summary>
[Trait("Proof", "wire-noise")]
public sealed class NoiseBaileysInteropTests : IAsyncLifetime
{
    private const int FrameCount = 1200;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Baileys_completes_the_handshake_and_frames_flow_both_ways(bool routed)
    {
        var server = TestServerIdentity.Create();
        using var listener = new LoopbackListener();
        using var timeout = new CancellationTokenSource(Deadline);
        byte[]? routingInfo = routed ? [0x08, 0x02, 0x08, 0x05, 0x10, 0x01] : null;

        var baileys = _node.CallAsync<EchoResult>("noise.baileysEcho", new
        {
            port = listener.Port,
            rootPublicKey = B64(server.Root.PublicKey),
            routingInfo = routingInfo is null ? null : B64(routingInfo),
            frames = FrameCount,
        }, Deadline);

        await using var connection = await NoiseHandshake.AcceptAsync(await listener.AcceptAsync(timeout.Token), server.ServerOptions, timeout.Token);
        var received = new List<byte[]>();
        for (var i = 0; i < FrameCount; i++)
        {
            var plaintext = await connection.ReceiveAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException($"stream ended after {i} frames");
            received.Add(plaintext);
            await connection.SendAsync(plaintext, timeout.Token);
        }
        var result = await baileys;

        Assert.Null(result.Error);
        Assert.Equal(Convert.FromBase64String(result.NoisePublicKey!), connection.RemoteStaticKey);
        Assert.Equal(Convert.FromBase64String(result.ClientPayload!), connection.ClientPayload);
        var payload = ClientPayload.Parser.ParseFrom(connection.ClientPayload);
        Assert.Equal(5511987654321UL, payload.Username);
        Assert.Equal(7U, payload.Device);
        Assert.Equal(routingInfo, connection.RoutingInfo);

        Assert.Equal(FrameCount, result.Sent!.Length);
        Assert.Equal(result.Sent.Select(Convert.FromBase64String), received);
        Assert.Equal(FrameCount, result.Received);
        Assert.Equal(0, result.Mismatches);
        Assert.Equal(FrameCount + 2, connection.Counters.FramesIn);
        Assert.Equal(FrameCount + 1, connection.Counters.FramesOut);
    }

    [Fact]
    public async Task A_tampered_Baileys_frame_fails_with_a_NoiseException()
    {
        var server = TestServerIdentity.Create();
        using var listener = new LoopbackListener();
        using var timeout = new CancellationTokenSource(Deadline);
        const int before = 25;
        var baileys = _node.CallAsync<TamperResult>("noise.baileysTamper", new { port = listener.Port, rootPublicKey = B64(server.Root.PublicKey), before }, Deadline);

        await using (var connection = await NoiseHandshake.AcceptAsync(await listener.AcceptAsync(timeout.Token), server.ServerOptions, timeout.Token))
        {
            for (var i = 0; i < before; i++)
            {
                Assert.NotNull(await connection.ReceiveAsync(timeout.Token));
            }
            var failure = await Assert.ThrowsAsync<NoiseException>(async () => await connection.ReceiveAsync(timeout.Token));
            Assert.Equal(NoiseError.DecryptFailed, failure.Error);
        }
        Assert.Equal(before + 1, (await baileys).Sent);
    }

    [Fact]
    public async Task Baileys_ignores_signature_results_so_a_foreign_root_passes_there_but_fails_our_initiator()
    {
        // Baileys' Curve.verify only catches exceptions and libsignal returns false instead of throwing, so rc14
        // accepts any well-formed 64-byte signature. Our initiator, trusting the same production root, refuses.
        var server = TestServerIdentity.Create();
        var baileysError = await RunHandshake(server, rootPublicKey: null, expectedServerError: null);
        Assert.Null(baileysError);

        using var initiator = new NoiseInitiator(WaCluster.Protocol.Crypto.Curve25519.GenerateKeyPair(), WaCluster.Protocol.Noise.Certificates.CertificateChainVerifier.WhatsApp);
        using var responder = new NoiseResponder(server.Static, server.Chain);
        var serverHello = responder.ReadClientHello([], initiator.CreateClientHello());
        var failure = Assert.Throws<NoiseException>(() => initiator.ReadServerHello(serverHello, []));
        Assert.Equal(NoiseError.InvalidCertificate, failure.Error);
        Assert.Contains("not signed by the root", failure.Message);
    }

    [Fact]
    public async Task Baileys_rejects_a_chain_whose_intermediate_names_another_issuer_serial()
    {
        var server = TestServerIdentity.Create(b => new() { Root = b.Root, LeafKey = b.LeafKey, RootSerial = 9 });
        var error = await RunHandshake(server, B64(server.Root.PublicKey), NoiseError.TruncatedHandshake);
        Assert.Contains("certification match failed", error);
    }

    [Fact]
    public async Task Baileys_rejects_a_leaf_with_a_malformed_signature()
    {
        var server = TestServerIdentity.Create();
        var chain = CertChain.Parser.ParseFrom(server.Chain);
        chain.Leaf.Signature = Google.Protobuf.ByteString.CopyFrom(chain.Leaf.Signature.Span[..63]);
        var forged = server with { Chain = Google.Protobuf.MessageExtensions.ToByteArray(chain) };
        var error = await RunHandshake(forged, B64(server.Root.PublicKey), NoiseError.TruncatedHandshake);
        Assert.Contains("noise certificate signature invalid", error);
    }

    [Fact]
    public async Task Baileys_rejects_a_chain_without_an_intermediate()
    {
        var server = TestServerIdentity.Create();
        var chain = CertChain.Parser.ParseFrom(server.Chain);
        chain.Intermediate = null;
        var forged = server with { Chain = Google.Protobuf.MessageExtensions.ToByteArray(chain) };
        var error = await RunHandshake(forged, B64(server.Root.PublicKey), NoiseError.TruncatedHandshake);
        Assert.Contains("invalid noise intermediate certificate", error);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(20)]
    public async Task A_truncated_Baileys_ClientHello_fails_with_a_NoiseException(int keep)
    {
        var server = TestServerIdentity.Create();
        using var listener = new LoopbackListener();
        using var timeout = new CancellationTokenSource(Deadline);
        var baileys = _node.CallAsync<TruncatedResult>("noise.baileysTruncatedHello", new { port = listener.Port, keep }, Deadline);
        var stream = await listener.AcceptAsync(timeout.Token);
        var failure = await Assert.ThrowsAsync<NoiseException>(() => NoiseHandshake.AcceptAsync(stream, server.ServerOptions, timeout.Token));
        Assert.Equal(NoiseError.TruncatedHandshake, failure.Error);
        var result = await baileys;
        Assert.Equal(keep, result.Written);
        Assert.True(result.Full > keep);
    }

    /// <summary>Baileys' handshake against our responder; returns Baileys' error, checking how our side saw it end.</summary>
    private async Task<string?> RunHandshake(TestServerIdentity server, string? rootPublicKey, NoiseError? expectedServerError)
    {
        using var listener = new LoopbackListener();
        using var timeout = new CancellationTokenSource(Deadline);
        var baileys = _node.CallAsync<TamperResult>("noise.baileysHandshake", new { port = listener.Port, rootPublicKey }, Deadline);
        var stream = await listener.AcceptAsync(timeout.Token);
        if (expectedServerError is { } expected)
        {
            var failure = await Assert.ThrowsAsync<NoiseException>(() => NoiseHandshake.AcceptAsync(stream, server.ServerOptions, timeout.Token));
            Assert.Equal(expected, failure.Error);
            var error = (await baileys).Error;
            Assert.NotNull(error);
            return error;
        }
        await using var connection = await NoiseHandshake.AcceptAsync(stream, server.ServerOptions, timeout.Token);
        return (await baileys).Error;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private sealed record EchoResult(
        string? Error, string? NoisePublicKey, string? ClientPayload, string[]? Sent, int Received, int Mismatches);

    private sealed record TamperResult(string? Error, int Sent);

    private sealed record TruncatedResult(int Written, int Full);
}
