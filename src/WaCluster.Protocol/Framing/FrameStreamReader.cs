namespace WaCluster.Protocol.Framing;

/// <summary>Reads whole frames from a byte stream (TCP now, WebSocket messages later feed the same decoder).</summary>
public sealed class FrameStreamReader(Stream stream, FrameDecoder decoder)
{
    private const int ReadSize = 16 * 1024;

    public FrameDecoder Decoder { get; } = decoder;

    /// <summary>
    /// The next frame's payload, valid until the next read; null when the stream ends cleanly between frames.
    /// A stream ending inside a frame throws <see cref="FrameException"/> with <see cref="FrameError.Truncated"/>.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (Decoder.TryReadFrame(out var frame))
            {
                return frame;
            }
            var read = await stream.ReadAsync(Decoder.GetWriteMemory(ReadSize), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                Decoder.Finish();
                return null;
            }
            Decoder.Advance(read);
        }
    }
}
