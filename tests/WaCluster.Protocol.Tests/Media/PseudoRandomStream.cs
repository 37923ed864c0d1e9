using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WaCluster.Protocol.Tests.Media;

/// <summary>A seeded pseudo-random stream of a given length, generated on the fly, that hashes what it hands out.</summary>
internal sealed class PseudoRandomStream(long length, ulong seed) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ulong _state = seed | 1;
    private long _position;

    /// <summary>SHA-256 of everything read, once the stream has been read to its end.</summary>
    public byte[] Sha256() => _position == length ? _hash.GetCurrentHash() : throw new InvalidOperationException("not read to the end");

    public override int Read(Span<byte> buffer)
    {
        var size = (int)Math.Min(buffer.Length, length - _position) & ~7;
        if (size == 0) size = (int)Math.Min(buffer.Length, length - _position);
        var output = buffer[..size];
        for (var i = 0; i + 8 <= output.Length; i += 8) BinaryPrimitives.WriteUInt64LittleEndian(output[i..], Next());
        if (output.Length % 8 != 0)
        {
            Span<byte> last = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(last, Next());
            last[..(output.Length % 8)].CopyTo(output[(output.Length & ~7)..]);
        }
        _hash.AppendData(output);
        _position += size;
        return size;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    // xorshift64*: fast, and plenty for test data.
    private ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
