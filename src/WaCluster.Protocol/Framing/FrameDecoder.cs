namespace WaCluster.Protocol.Framing;

/// <summary>
/// Cuts inbound bytes, arriving in arbitrary chunks, into whole frames. On the responder side it first parses the
/// connection intro (plain WA header or the routed "ED" form). Memory grows only with bytes actually received,
/// never with a declared length, so a lying prefix costs nothing. One reader per connection.
/// </summary>
public sealed class FrameDecoder
{
    private const int MinimumGrowth = 4096;

    // Kept after a large frame would pin memory for the connection's lifetime; released once drained.
    private const int RetainedCapacity = 64 * 1024;

    private readonly int _maxFrameSize;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private bool _awaitingIntro;

    /// <param name="expectIntro">True on the responder side: the peer's first bytes are its intro.</param>
    public FrameDecoder(bool expectIntro, int maxFrameSize = FrameFormat.DefaultMaxFrameSize, TransportCounters? counters = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameSize);
        _awaitingIntro = expectIntro;
        _maxFrameSize = maxFrameSize;
        Counters = counters ?? new TransportCounters();
    }

    public TransportCounters Counters { get; }

    /// <summary>The 4 header bytes of the peer's intro ("WA", versions); the Noise prologue. Null until parsed or when no intro is expected.</summary>
    public byte[]? Header { get; private set; }

    /// <summary>Routing info of a routed intro; null for a plain one.</summary>
    public byte[]? RoutingInfo { get; private set; }

    /// <summary>Bytes received but not yet returned as frames.</summary>
    public int BufferedLength => _end - _start;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }
        chunk.CopyTo(GetWriteSpan(chunk.Length));
        Advance(chunk.Length);
    }

    /// <summary>Space for at least <paramref name="sizeHint"/> bytes to read into directly; commit them with <see cref="Advance"/>.</summary>
    public Memory<byte> GetWriteMemory(int sizeHint)
    {
        EnsureFree(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_end);
    }

    private Span<byte> GetWriteSpan(int size)
    {
        EnsureFree(size);
        return _buffer.AsSpan(_end, size);
    }

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _end))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
        _end += count;
        Counters.AddBytesIn(count);
    }

    /// <summary>
    /// Returns the next whole frame's payload. The memory is only valid until the next call that feeds the decoder.
    /// Throws <see cref="FrameException"/> as soon as the buffered bytes prove the stream bad.
    /// </summary>
    public bool TryReadFrame(out ReadOnlyMemory<byte> frame)
    {
        frame = default;
        if (_awaitingIntro && !TryReadIntro())
        {
            return false;
        }
        var available = _end - _start;
        if (available < FrameFormat.LengthPrefixSize)
        {
            return false;
        }
        var length = FrameFormat.ReadLength(_buffer.AsSpan(_start));
        if (length > _maxFrameSize)
        {
            throw new FrameException(FrameError.TooLarge, $"frame of {length} bytes exceeds the maximum of {_maxFrameSize}");
        }
        if (available - FrameFormat.LengthPrefixSize < length)
        {
            return false;
        }
        frame = _buffer.AsMemory(_start + FrameFormat.LengthPrefixSize, length);
        _start += FrameFormat.LengthPrefixSize + length;
        Counters.AddFrameIn();
        // The returned memory stays valid: draining only moves indices or drops this decoder's reference.
        ResetIfDrained();
        return true;
    }

    /// <summary>
    /// Drops the receive buffer when no bytes are pending, so a decoder between messages holds no memory; the next feed
    /// allocates again. For owners of many mostly idle connections; frames returned earlier stay valid.
    /// </summary>
    public void ReleaseBufferIfDrained()
    {
        if (_start != _end)
        {
            return;
        }
        _buffer = [];
        _start = 0;
        _end = 0;
    }

    /// <summary>Call at end of stream: a partially received intro or frame means the peer cut the connection mid-message.</summary>
    public void Finish()
    {
        if (_awaitingIntro && _end > _start)
        {
            throw new FrameException(FrameError.Truncated, $"stream ended inside the intro after {_end - _start} bytes");
        }
        if (_end > _start)
        {
            throw new FrameException(FrameError.Truncated, $"stream ended inside a frame, {_end - _start} bytes pending");
        }
    }

    private bool TryReadIntro()
    {
        var data = _buffer.AsSpan(_start, _end - _start);
        if (!MatchesSoFar(data, FrameFormat.WaHeader[..3]) && !MatchesSoFar(data, FrameFormat.RoutedIntroPrefix))
        {
            throw new FrameException(FrameError.BadIntro, $"connection intro starts with {Convert.ToHexString(data[..Math.Min(4, data.Length)])}");
        }
        if (data.Length < FrameFormat.HeaderSize)
        {
            return false;
        }
        var consumed = 0;
        if (data.StartsWith(FrameFormat.RoutedIntroPrefix))
        {
            const int routingOffset = FrameFormat.RoutedIntroPrefixSize + FrameFormat.LengthPrefixSize;
            if (data.Length < routingOffset)
            {
                return false;
            }
            var routingLength = FrameFormat.ReadLength(data[FrameFormat.RoutedIntroPrefixSize..]);
            if (routingLength > FrameFormat.MaxRoutingInfoLength)
            {
                throw new FrameException(FrameError.TooLarge, $"routing info of {routingLength} bytes exceeds {FrameFormat.MaxRoutingInfoLength}");
            }
            if (data.Length < routingOffset + routingLength + FrameFormat.HeaderSize)
            {
                return false;
            }
            RoutingInfo = data.Slice(routingOffset, routingLength).ToArray();
            consumed = routingOffset + routingLength;
        }
        var header = data.Slice(consumed, FrameFormat.HeaderSize);
        if (!header[..3].SequenceEqual(FrameFormat.WaHeader[..3]))
        {
            throw new FrameException(FrameError.BadIntro, $"connection header {Convert.ToHexString(header)} is not WA version 6");
        }
        Header = header.ToArray();
        _start += consumed + FrameFormat.HeaderSize;
        _awaitingIntro = false;
        return true;
    }

    private static bool MatchesSoFar(ReadOnlySpan<byte> data, ReadOnlySpan<byte> expected)
    {
        var length = Math.Min(data.Length, expected.Length);
        return data[..length].SequenceEqual(expected[..length]);
    }

    private void EnsureFree(int size)
    {
        if (_buffer.Length - _end >= size)
        {
            return;
        }
        var pending = _end - _start;
        var required = pending + size;
        if (_buffer.Length >= required)
        {
            // Enough room once the frames already returned are dropped from the front.
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        }
        else
        {
            var doubled = (int)Math.Min(Array.MaxLength, 2L * _buffer.Length);
            var grown = new byte[Math.Max(required, Math.Max(MinimumGrowth, doubled))];
            _buffer.AsSpan(_start, pending).CopyTo(grown);
            _buffer = grown;
        }
        _start = 0;
        _end = pending;
    }

    private void ResetIfDrained()
    {
        if (_start != _end)
        {
            return;
        }
        _start = 0;
        _end = 0;
        if (_buffer.Length > RetainedCapacity)
        {
            _buffer = [];
        }
    }
}
