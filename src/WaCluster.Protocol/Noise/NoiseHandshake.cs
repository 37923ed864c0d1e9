using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise.Certificates;

namespace WaCluster.Protocol.Noise;

/// <summary>Settings of the client role.</summary>
public sealed record NoiseClientOptions(KeyPair StaticKey, CertificateChainVerifier Verifier)
{
    /// <summary>Edge routing info; when set the intro takes the routed "ED" form.</summary>
    public byte[]? RoutingInfo { get; init; }

    public int MaxFrameSize { get; init; } = FrameFormat.DefaultMaxFrameSize;
}

/// <summary>Settings of the server role.</summary>
public sealed record NoiseServerOptions(KeyPair StaticKey, byte[] CertificateChain)
{
    public int MaxFrameSize { get; init; } = FrameFormat.DefaultMaxFrameSize;
}

/// <summary>
/// Runs either side of the handshake over a stream. The stream is owned from the call on: the returned connection
/// closes it, and a failed handshake closes it at once so the peer sees the refusal.
/// </summary>
public static class NoiseHandshake
{
    public static Task<NoiseConnection> ConnectAsync(Stream stream, NoiseClientOptions options, ReadOnlyMemory<byte> clientPayload, CancellationToken cancellationToken = default) =>
        ClosingOnFailureAsync(stream, RunInitiatorAsync(stream, options, clientPayload, cancellationToken));

    public static Task<NoiseConnection> AcceptAsync(Stream stream, NoiseServerOptions options, CancellationToken cancellationToken = default) =>
        ClosingOnFailureAsync(stream, RunResponderAsync(stream, options, cancellationToken));

    private static async Task<NoiseConnection> ClosingOnFailureAsync(Stream stream, Task<NoiseConnection> handshake)
    {
        try
        {
            return await handshake.ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new NoiseException(NoiseError.TruncatedHandshake, "connection failed during the handshake: " + ex.Message, ex);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<NoiseConnection> RunInitiatorAsync(Stream stream, NoiseClientOptions options, ReadOnlyMemory<byte> clientPayload, CancellationToken cancellationToken)
    {
        var counters = new TransportCounters();
        var encoder = new FrameEncoder(FrameFormat.BuildIntro(options.RoutingInfo), options.MaxFrameSize, counters);
        var reader = new FrameStreamReader(stream, new FrameDecoder(expectIntro: false, options.MaxFrameSize, counters));
        using var initiator = new NoiseInitiator(options.StaticKey, options.Verifier);

        await WriteFrameAsync(stream, encoder, initiator.CreateClientHello(), cancellationToken).ConfigureAwait(false);
        var serverHello = await ReadHandshakeFrameAsync(reader, "ServerHello", cancellationToken).ConfigureAwait(false);
        var clientFinish = initiator.ReadServerHello(serverHello, clientPayload.Span);
        await WriteFrameAsync(stream, encoder, clientFinish, cancellationToken).ConfigureAwait(false);
        return new NoiseConnection(stream, reader, encoder, initiator.CreateTransport(), initiator.ServerStaticKey!);
    }

    private static async Task<NoiseConnection> RunResponderAsync(Stream stream, NoiseServerOptions options, CancellationToken cancellationToken)
    {
        var counters = new TransportCounters();
        var encoder = new FrameEncoder(ReadOnlySpan<byte>.Empty, options.MaxFrameSize, counters);
        var decoder = new FrameDecoder(expectIntro: true, options.MaxFrameSize, counters);
        var reader = new FrameStreamReader(stream, decoder);
        using var responder = new NoiseResponder(options.StaticKey, options.CertificateChain);

        var clientHello = await ReadHandshakeFrameAsync(reader, "ClientHello", cancellationToken).ConfigureAwait(false);
        var serverHello = responder.ReadClientHello(decoder.Header, clientHello);
        await WriteFrameAsync(stream, encoder, serverHello, cancellationToken).ConfigureAwait(false);
        var clientFinish = await ReadHandshakeFrameAsync(reader, "ClientFinish", cancellationToken).ConfigureAwait(false);
        responder.ReadClientFinish(clientFinish);
        return new NoiseConnection(stream, reader, encoder, responder.CreateTransport(), responder.ClientStaticKey!)
        {
            ClientPayload = responder.ClientPayload,
            RoutingInfo = decoder.RoutingInfo,
        };
    }

    private static async Task WriteFrameAsync(Stream stream, FrameEncoder encoder, byte[] message, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(encoder.Encode(message), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // The returned array is a copy: the reader's buffer is reused by the next read.
    private static async Task<byte[]> ReadHandshakeFrameAsync(FrameStreamReader reader, string expected, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? frame;
        try
        {
            frame = await reader.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FrameException ex) when (ex.Error == FrameError.Truncated)
        {
            throw new NoiseException(NoiseError.TruncatedHandshake, $"connection ended inside {expected}", ex);
        }
        return frame?.ToArray() ?? throw new NoiseException(NoiseError.TruncatedHandshake, $"connection closed before {expected}");
    }
}
