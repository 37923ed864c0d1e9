using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// An HMAC-SHA256 key hashed once into its inner and outer pad states: each MAC then costs only the message's own
/// blocks plus one outer block, instead of the two extra pad blocks and the setup a one-shot HMAC pays every time.
/// Holds key-derived secrets; copies are cheap value copies.
/// </summary>
[SkipLocalsInit]
public readonly struct HmacSha256Key
{
    public const int MacLength = Sha256Hasher.DigestLength;

    private const byte InnerPad = 0x36;
    private const byte OuterPad = 0x5c;

    private readonly Sha256State _inner;
    private readonly Sha256State _outer;

    private HmacSha256Key(in Sha256State inner, in Sha256State outer)
    {
        _inner = inner;
        _outer = outer;
    }

    public static HmacSha256Key Create(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[Sha256Compression.BlockLength];
        block.Clear();
        if (key.Length > Sha256Compression.BlockLength)
        {
            SHA256.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }
        var inner = Pad(block, InnerPad);
        var outer = Pad(block, OuterPad ^ InnerPad);
        CryptographicOperations.ZeroMemory(block);
        return new HmacSha256Key(inner, outer);
    }

    /// <summary>Writes HMAC(key, <paramref name="message"/>) to the first 32 bytes of <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        var hmac = Start();
        hmac.Append(message);
        hmac.Finish(mac);
    }

    /// <summary>An HMAC over input given in parts, so callers need not concatenate it.</summary>
    public HmacSha256 Start() => new(new Sha256Hasher(_inner, Sha256Compression.BlockLength), _outer);

    // XORs the pad byte into the key block in place (the outer call undoes the inner pad) and hashes it.
    private static Sha256State Pad(Span<byte> block, int padDelta)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(block);
        var pad = 0x0101010101010101UL * (byte)padDelta;
        for (var i = 0; i < words.Length; i++)
        {
            words[i] ^= pad;
        }
        var state = Sha256State.Initial();
        Sha256Compression.Compress(ref state, block);
        return state;
    }
}

/// <summary>One HMAC-SHA256 computation in progress (see <see cref="HmacSha256Key.Start"/>).</summary>
[SkipLocalsInit]
public struct HmacSha256
{
    // The outer hash always absorbs the pad block, then the 32-byte inner digest: a fixed length of 96 bytes.
    private const ulong OuterBitLength = (Sha256Compression.BlockLength + Sha256Hasher.DigestLength) * 8;

    private Sha256Hasher _inner;
    private Sha256State _outer;

    internal HmacSha256(Sha256Hasher inner, in Sha256State outer)
    {
        _inner = inner;
        _outer = outer;
    }

    public void Append(ReadOnlySpan<byte> data) => _inner.Append(data);

    /// <summary>Writes the 32-byte MAC to the start of <paramref name="mac"/>.</summary>
    public void Finish(Span<byte> mac)
    {
        if (mac.Length < HmacSha256Key.MacLength)
        {
            throw new ArgumentException($"HMAC-SHA256 needs {HmacSha256Key.MacLength} bytes", nameof(mac));
        }
        // The outer message fits one padded block: inner digest, 0x80, zeros, bit length.
        Span<byte> block = stackalloc byte[Sha256Compression.BlockLength];
        _inner.Finish(block);
        block[Sha256Hasher.DigestLength] = 0x80;
        block[(Sha256Hasher.DigestLength + 1)..^sizeof(ulong)].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block[^sizeof(ulong)..], OuterBitLength);
        Sha256Compression.Compress(ref _outer, block);
        CryptographicOperations.ZeroMemory(block[..Sha256Hasher.DigestLength]);
        Sha256Hasher.WriteDigest(_outer, mac);
    }
}
