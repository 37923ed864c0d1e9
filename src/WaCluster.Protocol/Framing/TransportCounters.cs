namespace WaCluster.Protocol.Framing;

/// <summary>
/// Frames and bytes seen on one connection, wire bytes included (intro and length prefixes).
/// Updated by the single reader and single writer, read from anywhere (metrics), hence the atomics.
/// </summary>
public sealed class TransportCounters
{
    private long _framesIn;
    private long _framesOut;
    private long _bytesIn;
    private long _bytesOut;

    public long FramesIn => Volatile.Read(ref _framesIn);
    public long FramesOut => Volatile.Read(ref _framesOut);
    public long BytesIn => Volatile.Read(ref _bytesIn);
    public long BytesOut => Volatile.Read(ref _bytesOut);

    internal void AddBytesIn(int count) => Interlocked.Add(ref _bytesIn, count);

    internal void AddFrameIn() => Interlocked.Increment(ref _framesIn);

    internal void AddFrameOut(int wireBytes)
    {
        Interlocked.Increment(ref _framesOut);
        Interlocked.Add(ref _bytesOut, wireBytes);
    }

    public override string ToString() => $"in {FramesIn} frames/{BytesIn} B, out {FramesOut} frames/{BytesOut} B";
}
