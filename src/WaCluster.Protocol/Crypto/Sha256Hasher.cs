using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// Incremental SHA-256 that can start from any chaining state, which is what lets HMAC reuse a key's precomputed
/// pad states instead of hashing the pads for every message.
/// </summary>
[SkipLocalsInit]
internal struct Sha256Hasher
{
    public const int DigestLength = Sha256State.Size;

    private const int LengthFieldOffset = Sha256Compression.BlockLength - sizeof(ulong);

    private Sha256State _state;
    private PendingBlock _pending;
    private int _pendingLength;
    private ulong _totalLength;

    /// <summary>Continues from <paramref name="state"/>, which has already absorbed <paramref name="absorbedLength"/> bytes (whole blocks).</summary>
    public Sha256Hasher(in Sha256State state, ulong absorbedLength)
    {
        _state = state;
        _totalLength = absorbedLength;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _totalLength += (ulong)data.Length;
        Span<byte> pending = _pending;
        if (_pendingLength > 0)
        {
            var take = Math.Min(data.Length, Sha256Compression.BlockLength - _pendingLength);
            data[..take].CopyTo(pending[_pendingLength..]);
            _pendingLength += take;
            data = data[take..];
            if (_pendingLength < Sha256Compression.BlockLength)
            {
                return;
            }
            Sha256Compression.Compress(ref _state, pending);
            _pendingLength = 0;
        }
        var whole = data.Length - data.Length % Sha256Compression.BlockLength;
        if (whole > 0)
        {
            Sha256Compression.Compress(ref _state, data[..whole]);
        }
        data[whole..].CopyTo(pending);
        _pendingLength = data.Length - whole;
    }

    /// <summary>Pads, writes the 32-byte digest to <paramref name="digest"/> and wipes the buffered input.</summary>
    public void Finish(Span<byte> digest)
    {
        if (digest.Length < DigestLength)
        {
            throw new ArgumentException($"SHA-256 digest needs {DigestLength} bytes", nameof(digest));
        }
        Span<byte> pending = _pending;
        pending[_pendingLength] = 0x80;
        pending[(_pendingLength + 1)..].Clear();
        if (_pendingLength >= LengthFieldOffset)
        {
            Sha256Compression.Compress(ref _state, pending);
            pending.Clear();
        }
        BinaryPrimitives.WriteUInt64BigEndian(pending[LengthFieldOffset..], _totalLength * 8);
        Sha256Compression.Compress(ref _state, pending);
        pending.Clear();
        _pendingLength = 0;
        WriteDigest(_state, digest);
    }

    public static void WriteDigest(in Sha256State state, Span<byte> digest)
    {
        for (var i = 0; i < Sha256State.Words; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest[(i * sizeof(uint))..], state[i]);
        }
    }

    [InlineArray(Sha256Compression.BlockLength)]
    private struct PendingBlock
    {
        private byte _byte;
    }
}
