using System.Buffers;
using System.IO.Compression;

namespace WaCluster.Protocol.Binary;

/// <summary>
/// Reads nodes in the WhatsApp binary format with Baileys' <c>decodeBinaryNode</c> semantics. Every malformed input
/// fails with <see cref="BinaryCodecException"/>; unlike Baileys, bytes left over after the node are an error too.
/// </summary>
public static class BinaryDecoder
{
    private const byte CompressedFlag = 2;

    /// <summary>Decodes a frame: a flags byte (bit 1 = zlib-compressed rest) followed by the node. Byte content is copied.</summary>
    public static BinaryNode Decode(ReadOnlySpan<byte> frame, int maxDecompressedSize = CodecLimits.DefaultMaxDecompressedSize)
    {
        if (frame.IsEmpty) throw new BinaryCodecException("empty frame");
        if ((frame[0] & CompressedFlag) == 0) return DecodeNode(frame[1..]);

        var (buffer, length) = Inflate(frame[1..], maxDecompressedSize);
        try
        {
            return DecodeNode(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Like <see cref="Decode(ReadOnlySpan{byte}, int)"/>, but byte content slices <paramref name="frame"/> instead of copying
    /// it (as Baileys' Buffer slices do): the nodes keep the frame alive, and the frame must not change afterwards.
    /// </summary>
    public static BinaryNode DecodeZeroCopy(ReadOnlyMemory<byte> frame, int maxDecompressedSize = CodecLimits.DefaultMaxDecompressedSize)
    {
        if (frame.IsEmpty) throw new BinaryCodecException("empty frame");
        if ((frame.Span[0] & CompressedFlag) == 0) return DecodeNode(frame[1..], sliceBytes: true);

        var (buffer, length) = Inflate(frame.Span[1..], maxDecompressedSize);
        try
        {
            return DecodeNode(buffer.AsSpan(0, length).ToArray(), sliceBytes: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes one node that fills <paramref name="data"/> exactly (no flags byte).</summary>
    public static BinaryNode DecodeNode(ReadOnlySpan<byte> data)
    {
        var scratch = DecoderScratch.Rent();
        try
        {
            var reader = new NodeReader(data, default, scratch);
            return ReadWhole(ref reader, data.Length);
        }
        finally
        {
            DecoderScratch.Return(scratch);
        }
    }

    private static BinaryNode DecodeNode(ReadOnlyMemory<byte> data, bool sliceBytes)
    {
        var scratch = DecoderScratch.Rent();
        try
        {
            var reader = new NodeReader(data.Span, sliceBytes ? data : default, scratch);
            return ReadWhole(ref reader, data.Length);
        }
        finally
        {
            DecoderScratch.Return(scratch);
        }
    }

    private static BinaryNode ReadWhole(ref NodeReader reader, int length)
    {
        var node = reader.ReadNode(0);
        if (reader.Position != length) throw new BinaryCodecException($"{length - reader.Position} bytes left after the node");
        return node;
    }

    private static unsafe (byte[] Buffer, int Length) Inflate(ReadOnlySpan<byte> compressed, int maxSize)
    {
        if (compressed.IsEmpty) throw new BinaryCodecException("compressed frame without data");
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxSize + 1L, Math.Max(4096L, compressed.Length * 4L)));
        var length = 0;
        try
        {
            fixed (byte* start = compressed)
            {
                using var source = new UnmanagedMemoryStream(start, compressed.Length);
                using var zlib = new ZLibStream(source, CompressionMode.Decompress);
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxSize + 1L, buffer.Length * 2L));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var read = zlib.Read(buffer, length, buffer.Length - length);
                    if (read == 0) break;
                    length += read;
                    if (length > maxSize) throw new BinaryCodecException($"decompressed frame exceeds {maxSize} bytes");
                }
            }
            return (buffer, length);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new BinaryCodecException("invalid zlib data in compressed frame", e);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
