using System.Security.Cryptography;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// An HMAC-SHA256 key hashed once into its inner and outer pad states: each MAC then costs only the message's own
/// blocks plus one outer block, instead of the two extra pad blocks and the setup a one-shot HMAC pays every time.
/// Holds key-derived secrets; copies are cheap value copies.
/// </summary>
public readonly struct HmacSha256Key
{
    public const int MacLength = Sha256Hasher.DigestLength;

    private const byte InnerPad = 0x36;
    private const byte OuterPad = 0x5c;

    private readonly Sha256Context _inner;
    private readonly Sha256Context _outer;

    private HmacSha256Key(in Sha256Context inner, in Sha256Context outer)
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
        var hasher = Start();
        hasher.Append(message);
        hasher.Finish(mac);
    }

    /// <summary>An HMAC over input given in parts, so callers need not concatenate it.</summary>
    public HmacSha256 Start() => new(new Sha256Hasher(_inner, Sha256Compression.BlockLength), _outer);

    // XORs the pad byte into the key block in place (the outer call undoes the inner pad) and hashes it.
    private static Sha256Context Pad(Span<byte> block, int padDelta)
    {
        for (var i = 0; i < block.Length; i++)
        {
            block[i] ^= (byte)padDelta;
        }
        var context = Sha256Context.Initial();
        Sha256Compression.Compress(ref context, block);
        return context;
    }
}

/// <summary>One HMAC-SHA256 computation in progress (see <see cref="HmacSha256Key.Start"/>).</summary>
public struct HmacSha256
{
    private Sha256Hasher _inner;
    private readonly Sha256Context _outer;

    internal HmacSha256(Sha256Hasher inner, in Sha256Context outer)
    {
        _inner = inner;
        _outer = outer;
    }

    public void Append(ReadOnlySpan<byte> data) => _inner.Append(data);

    /// <summary>Writes the 32-byte MAC to the start of <paramref name="mac"/>.</summary>
    public void Finish(Span<byte> mac)
    {
        Span<byte> innerDigest = stackalloc byte[Sha256Hasher.DigestLength];
        _inner.Finish(innerDigest);
        var outer = new Sha256Hasher(_outer, Sha256Compression.BlockLength);
        outer.Append(innerDigest);
        outer.Finish(mac);
        CryptographicOperations.ZeroMemory(innerDigest);
    }
}
