using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// Noise transport frames per second: encrypt and frame on one side, cut and decrypt on the other, for a small
/// stanza and a large one; Baileys' encodeFrame + aesDecryptGCM in the same run. Plus our full handshakes per second
/// (both roles, certificate chain verified), which Baileys has no server side to compare with.
/// </summary>
public sealed class NoiseTransportBenchmark : IBenchmark
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    public string Name => "noise";

    public async Task RunAsync(BenchmarkReport report)
    {
        var root = Curve25519.GenerateKeyPair();
        var serverStatic = Curve25519.GenerateKeyPair();
        var chain = new CertificateChainBuilder { Root = root, LeafKey = serverStatic.PublicKey }.BuildBytes();
        var verifier = new CertificateChainVerifier(root.PublicKey);
        var clientStatic = Curve25519.GenerateKeyPair();
        var payload = new byte[200];

        var handshakes = BenchmarkReport.Throughput(() => Handshake(clientStatic, verifier, serverStatic, chain, payload).Dispose(), Duration, warmup: 20);

        await using var node = await NodeHarness.StartAsync();
        foreach (var size in new[] { 200, 16 * 1024 })
        {
            var ours = FramesPerSecond(Handshake(clientStatic, verifier, serverStatic, chain, payload), size);
            var theirs = await node.CallAsync<NodeRate>("noise.bench", new { count = size > 1024 ? 20_000 : 100_000, size }, TimeSpan.FromMinutes(5));
            report.Line($"noise.frame{size}.ours", ours, "frames/s");
            report.Line($"noise.frame{size}.baileys", theirs.PerSecond, "frames/s");
            report.Line($"noise.frame{size}.ratio", ours / theirs.PerSecond, "x");
        }
        report.Line("noise.handshake.ours", handshakes, "handshakes/s");
    }

    private static double FramesPerSecond(TransportPair pair, int size)
    {
        using (pair)
        {
            var plaintext = new byte[size];
            Random.Shared.NextBytes(plaintext);
            var encoder = new FrameEncoder(FrameFormat.BuildIntro());
            var decoder = new FrameDecoder(expectIntro: true);
            var wire = new byte[encoder.FrameLength(size + NoiseProtocol.TagLength)];
            var decrypted = new byte[size];
            return BenchmarkReport.Throughput(() =>
            {
                var payloadLength = size + NoiseProtocol.TagLength;
                var frameLength = encoder.FrameLength(payloadLength);
                var offset = encoder.WriteHeader(wire, payloadLength);
                pair.Client.Writer.Encrypt(plaintext, wire.AsSpan(offset, payloadLength));
                decoder.Feed(wire.AsSpan(0, frameLength));
                if (!decoder.TryReadFrame(out var frame)) throw new InvalidOperationException("frame did not decode");
                pair.Server.Reader.Decrypt(frame.Span, decrypted);
            }, Duration);
        }
    }

    private static TransportPair Handshake(KeyPair clientStatic, CertificateChainVerifier verifier, KeyPair serverStatic, byte[] chain, byte[] payload)
    {
        using var initiator = new NoiseInitiator(clientStatic, verifier);
        using var responder = new NoiseResponder(serverStatic, chain);
        var serverHello = responder.ReadClientHello([], initiator.CreateClientHello());
        responder.ReadClientFinish(initiator.ReadServerHello(serverHello, payload));
        return new TransportPair(initiator.CreateTransport(), responder.CreateTransport());
    }

    private sealed record TransportPair(NoiseTransport Client, NoiseTransport Server) : IDisposable
    {
        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }

    private sealed record NodeRate(int Frames, double Seconds, double PerSecond);
}
