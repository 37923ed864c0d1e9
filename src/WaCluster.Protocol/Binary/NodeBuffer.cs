using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace WaCluster.Protocol.Binary;

/// <summary>A growable byte buffer for the encoder, reused per thread so steady-state encoding allocates only its result.</summary>
internal sealed class NodeBuffer
{
    private const int InitialSize = 4096;
    private const int MaxRetainedSize = 1 << 20;

    [ThreadStatic]
    private static NodeBuffer? _cached;

    private byte[] _bytes = new byte[InitialSize];

    public int Length;

    public static NodeBuffer Rent()
    {
        var buffer = _cached ?? new NodeBuffer();
        _cached = null;
        buffer.Length = 0;
        return buffer;
    }

    public static void Return(NodeBuffer buffer)
    {
        if (buffer._bytes.Length > MaxRetainedSize) buffer._bytes = new byte[InitialSize];
        _cached = buffer;
    }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Byte(byte value)
    {
        if (Length >= _bytes.Length) Grow(1);
        _bytes[Length++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bytes(byte first, byte second)
    {
        if (Length + 2 > _bytes.Length) Grow(2);
        _bytes[Length] = first;
        _bytes[Length + 1] = second;
        Length += 2;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        if (Length + value.Length > _bytes.Length) Grow(value.Length);
        value.CopyTo(_bytes.AsSpan(Length));
        Length += value.Length;
    }

    public void UInt16BigEndian(int value)
    {
        if (Length + 2 > _bytes.Length) Grow(2);
        BinaryPrimitives.WriteUInt16BigEndian(_bytes.AsSpan(Length), (ushort)value);
        Length += 2;
    }

    public void UInt32BigEndian(uint value)
    {
        if (Length + 4 > _bytes.Length) Grow(4);
        BinaryPrimitives.WriteUInt32BigEndian(_bytes.AsSpan(Length), value);
        Length += 4;
    }

    /// <summary>Writes <paramref name="value"/> as UTF-8 (lone surrogates become U+FFFD, as Node does); <paramref name="byteCount"/> is its encoded size.</summary>
    public void Utf8(ReadOnlySpan<char> value, int byteCount)
    {
        if (Length + byteCount > _bytes.Length) Grow(byteCount);
        Length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(Length));
    }

    private void Grow(int needed)
    {
        var size = Math.Max(_bytes.Length * 2, Length + needed);
        var bigger = new byte[size];
        _bytes.AsSpan(0, Length).CopyTo(bigger);
        _bytes = bigger;
    }
}
