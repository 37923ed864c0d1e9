using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise;

namespace WaCluster.Protocol.Tests.Noise;

/// <summary>
/// <see cref="NoiseConnection.Detach"/>: the session taken over by another owner of the I/O keeps talking to the peer,
/// and the detached connection neither uses nor closes the stream any more.
/// </summary>
[Trait("Proof", "wire-noise")]
public sealed class NoiseDetachTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_detached_session_frames_and_decrypts_in_step_with_the_peer_over_the_same_stream()
    {
        var server = TestServerIdentity.Create();
        using var listener = new LoopbackListener();
        using var timeout = new CancellationTokenSource(Deadline);
        var accepting = Task.Run(async () => await NoiseHandshake.AcceptAsync(await listener.AcceptAsync(timeout.Token), server.ServerOptions, timeout.Token));
        var stream = await listener.ConnectAsync(timeout.Token);
        var client = await NoiseHandshake.ConnectAsync(stream, new NoiseClientOptions(Curve25519.GenerateKeyPair(), server.Verifier), new byte[] { 1, 2 }, timeout.Token);
        await using var serverSide = await accepting;

        var session = client.Detach();
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(new byte[3], timeout.Token).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ReceiveAsync(timeout.Token).AsTask());
        Assert.Throws<ObjectDisposedException>(() => { _ = client.Detach(); });

        for (var i = 0; i < 50; i++)
        {
            var outbound = RandomNumberGenerator.GetBytes(i * 7);
            var payloadLength = outbound.Length + NoiseProtocol.TagLength;
            var frame = new byte[session.Encoder.FrameLength(payloadLength)];
            var offset = session.Encoder.WriteHeader(frame, payloadLength);
            session.Transport.Writer.Encrypt(outbound, frame.AsSpan(offset));
            await stream.WriteAsync(frame, timeout.Token); // the stream is still open after the dispose above
            Assert.Equal(outbound, await serverSide.ReceiveAsync(timeout.Token));

            var inbound = RandomNumberGenerator.GetBytes(i * 5 + 1);
            await serverSide.SendAsync(inbound, timeout.Token);
            ReadOnlyMemory<byte> received;
            while (!session.Decoder.TryReadFrame(out received))
            {
                var buffer = session.Decoder.GetWriteMemory(4096);
                var read = await stream.ReadAsync(buffer, timeout.Token);
                Assert.NotEqual(0, read);
                session.Decoder.Advance(read);
            }
            Assert.Equal(inbound, session.Transport.Reader.Decrypt(received.Span));
        }
        Assert.Equal(52, session.Encoder.Counters.FramesOut); // ClientHello, ClientFinish, then ours
        session.Transport.Dispose();
        await stream.DisposeAsync();
    }
}
