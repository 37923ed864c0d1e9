using System.Buffers;
using WaCluster.Protocol.Framing;

namespace WaCluster.Protocol.Noise;

/// <summary>
/// An established Noise connection over a byte stream: encrypted frames in and out. One receiver at a time;
/// concurrent senders are serialised because nonce order must equal wire order.
/// </summary>
public sealed class NoiseConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameStreamReader _reader;
    private readonly FrameEncoder _encoder;
    private readonly NoiseTransport _transport;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private bool _detached;

    internal NoiseConnection(Stream stream, FrameStreamReader reader, FrameEncoder encoder, NoiseTransport transport, byte[] remoteStaticKey)
    {
        _stream = stream;
        _reader = reader;
        _encoder = encoder;
        _transport = transport;
        RemoteStaticKey = remoteStaticKey;
    }

    /// <summary>The peer's static Noise public key (the server's on the client side, the client's noise key on the server side).</summary>
    public byte[] RemoteStaticKey { get; }

    /// <summary>On the server side: the ClientPayload bytes the client sent in ClientFinish.</summary>
    public byte[]? ClientPayload { get; internal init; }

    /// <summary>On the server side: the routing info of a routed intro, if the client sent one.</summary>
    public byte[]? RoutingInfo { get; internal init; }

    public TransportCounters Counters => _encoder.Counters;

    /// <summary>
    /// Hands the established session (cipher pair, frame codecs with any bytes already buffered) to another owner of
    /// the I/O, such as a stream pipeline that reads and writes the transport itself. Afterwards this connection can
    /// neither send nor receive, and disposing it closes neither the stream nor the ciphers: the caller owns both.
    /// </summary>
    public NoiseSession Detach()
    {
        ThrowIfDetached();
        _detached = true;
        return new NoiseSession(_transport, _reader.Decoder, _encoder);
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        ThrowIfDetached();
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        byte[]? buffer = null;
        try
        {
            var payloadLength = plaintext.Length + NoiseProtocol.TagLength;
            var frameLength = _encoder.FrameLength(payloadLength);
            buffer = ArrayPool<byte>.Shared.Rent(frameLength);
            var offset = _encoder.WriteHeader(buffer, payloadLength);
            _transport.Writer.Encrypt(plaintext.Span, buffer.AsSpan(offset, payloadLength));
            await _stream.WriteAsync(buffer.AsMemory(0, frameLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            _sendLock.Release();
        }
    }

    /// <summary>The next decrypted frame, or null when the peer closed the stream between frames.</summary>
    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDetached();
        var frame = await _reader.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        return frame is { } ciphertext ? _transport.Reader.Decrypt(ciphertext.Span) : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_detached)
        {
            return;
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _transport.Dispose();
        _sendLock.Dispose();
    }

    private void ThrowIfDetached() =>
        ObjectDisposedException.ThrowIf(_detached, this);
}

/// <summary>
/// An established Noise session detached from its stream: the ciphers (one per direction), the inbound frame decoder
/// (it may already hold bytes that followed the handshake) and the outbound frame encoder (intro already sent).
/// </summary>
public sealed record NoiseSession(NoiseTransport Transport, FrameDecoder Decoder, FrameEncoder Encoder);
