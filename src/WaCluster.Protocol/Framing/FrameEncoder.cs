namespace WaCluster.Protocol.Framing;

/// <summary>
/// Writes outbound frames: a 3-byte big-endian length before each payload, and the connection intro
/// (WA header, or the routed "ED" form) before the very first one only. One writer per connection.
/// </summary>
public sealed class FrameEncoder
{
    private readonly byte[] _intro;
    private readonly int _maxFrameSize;
    private bool _introSent;

    /// <param name="intro">Bytes to send before the first frame (<see cref="FrameFormat.BuildIntro(ReadOnlySpan{byte})"/>); empty on the responder side.</param>
    public FrameEncoder(ReadOnlySpan<byte> intro, int maxFrameSize = FrameFormat.DefaultMaxFrameSize, TransportCounters? counters = null)
    {
        _intro = intro.ToArray();
        _maxFrameSize = Math.Min(maxFrameSize, FrameFormat.MaxEncodableLength);
        Counters = counters ?? new TransportCounters();
    }

    public TransportCounters Counters { get; }

    /// <summary>Wire size of the next frame carrying <paramref name="payloadLength"/> bytes.</summary>
    public int FrameLength(int payloadLength) =>
        (_introSent ? 0 : _intro.Length) + FrameFormat.LengthPrefixSize + payloadLength;

    /// <summary>
    /// Writes the intro (first frame only) and the length prefix into <paramref name="destination"/>, which must hold
    /// <see cref="FrameLength"/> bytes; returns the offset where the caller writes the payload.
    /// </summary>
    public int WriteHeader(Span<byte> destination, int payloadLength)
    {
        if ((uint)payloadLength > (uint)_maxFrameSize)
        {
            throw new FrameException(FrameError.TooLarge, $"frame of {payloadLength} bytes exceeds the maximum of {_maxFrameSize}");
        }
        var total = FrameLength(payloadLength);
        if (destination.Length < total)
        {
            throw new ArgumentException($"frame needs {total} bytes, destination has {destination.Length}", nameof(destination));
        }
        var offset = 0;
        if (!_introSent)
        {
            _intro.CopyTo(destination);
            offset = _intro.Length;
            _introSent = true;
        }
        FrameFormat.WriteLength(destination[offset..], payloadLength);
        Counters.AddFrameOut(total);
        return offset + FrameFormat.LengthPrefixSize;
    }

    public byte[] Encode(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[FrameLength(payload.Length)];
        var offset = WriteHeader(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(offset));
        return frame;
    }
}
